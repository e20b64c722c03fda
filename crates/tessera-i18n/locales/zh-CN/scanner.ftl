# 检票器（/scan）：页面及其脚本显示的文字。

scanner-choose-title = 您在哪里检票？
scanner-choose-intro = 请选择活动的入口和您所在的闸口。
scanner-no-team = 您尚未加入任何组织的团队。
scanner-no-team-help = 请让主办方将您以检票员角色加入团队，然后刷新此页面。
scanner-no-lists = 没有即将举行的活动设有检票名单。
scanner-role-cannot-scan = 您在此组织中的角色不包括检票。
scanner-scan-at = 检票口
scanner-any-gate = 任意闸口
scanner-open = 打开检票器
scanner-change = 更换名单或闸口
scanner-choose-gate = 请选择闸口
scanner-gate = 闸口
scanner-gate-name = 闸口 { $gate }
scanner-not-allowed-title = 您无权在此检票
scanner-not-allowed-text = 您在此组织中的角色不包括检票。请联系组织的所有者或管理员。
scanner-label = 检票器
scanner-code = 票码
scanner-code-help = 用摄像头扫描二维码，或输入、粘贴票码（以 TK1- 开头）。
scanner-check = 验票
scanner-entry = 入场
scanner-exit = 离场
scanner-direction = 方向
scanner-empty-code = 请输入或扫描票码。
scanner-ready = 可以检票
scanner-checked-in = 已入场：
scanner-stats = { $checked } / { $total ->
   *[other] { $total } 张票
}
scanner-start-camera = 打开摄像头
scanner-stop-camera = 关闭摄像头
scanner-photo = 拍摄二维码
scanner-camera = 摄像头
scanner-online = 在线
scanner-offline = 离线
scanner-waiting = 待上传：{ $n }
scanner-seat = 座位
scanner-checked-offline = 离线验票
scanner-first-admitted = 首次入场：{ $time }
scanner-keys-updated = 密钥更新于：{ $time }
scanner-keys-missing = 密钥尚未下载：请先联网一次以便离线检票。
scanner-no-keys = 此设备尚未下载密钥，无法离线验票。请先连接一次网络。
scanner-camera-failed = 无法打开摄像头
scanner-camera-help = 请允许此网站使用摄像头，或拍摄二维码、输入票码。
scanner-needs-https = 实时摄像头需要安全（https）连接；请改为拍摄二维码。
scanner-no-qr = 照片中未找到二维码。请靠近并保持稳定后重试。
scanner-failed = 无法验证此次扫描，请重试。
scanner-set-aside = { $n ->
   *[other] { $n } 次扫描无法上传，已另行保存
}
scanner-signed-out = 您的登录已过期，请重新登录。
scanner-noscript = 启用脚本后检票器功能更完整：摄像头、离线验票。

## 验票结果
scanner-result-valid = 允许入场
scanner-result-exit = 已记录离场
scanner-result-already-used = 已使用
scanner-result-not-inside = 未入场，无法离场
scanner-result-revoked = 门票已作废（作废、退款或已重新出票）
scanner-result-wrong-event = 其他活动的门票
scanner-result-not-on-list = 此入口不接受该票种
scanner-result-not-yet-valid = 尚未生效
scanner-result-expired = 门票已过期
scanner-result-invalid-signature = 伪造或损坏的票码
scanner-result-malformed = 不是门票票码
scanner-result-unknown = 未知门票
