# 主办方管理后台：活动、票种、配额、价格与检票设置。

dashboard-save = 保存
dashboard-delete = 删除
dashboard-remove = 移除
dashboard-actions = 操作
dashboard-whole-number = 请输入整数
dashboard-unknown-ticket-type = 请选择本活动的票种

## An event's sections

dashboard-event-sections = 活动
dashboard-tab-orders = 订单
dashboard-tab-sales = 销售
dashboard-tab-attendees = 参与者
dashboard-tab-checkin = 检票
dashboard-tab-seats = 座位
dashboard-tab-public = 公开页面

## Check-in setup

dashboard-checkin-title = 检票 · { $event }
dashboard-no-lists = 本活动还没有检票名单，因此无法扫描门票。请在下方创建一个。
dashboard-no-lists-draft = 活动发布时会自动创建一个检票名单，在“Main entrance”（主入口）一个入口接受所有门票。您也可以在下方自行创建名单。
dashboard-policy-single = 每张票仅限入场一次
dashboard-policy-reentry = 离场后可再次入场
dashboard-policy-per-day = 每天限定入场次数
dashboard-per-day-count = 每天 { $count } 次
dashboard-admits-all = 接受所有票种
dashboard-admits-these = 接受：{ $types }
dashboard-open-scanner = 打开检票器
dashboard-checked-in = 已检票
dashboard-inside-now = 场内人数
dashboard-by-ticket-type = 按票种
dashboard-gates = 入口
dashboard-gate = 入口
dashboard-admitted = 已入场
dashboard-no-gate = （已移除的入口）
dashboard-new-gate = 新入口
dashboard-add-gate = 添加入口
dashboard-remove-gate = 移除 { $gate }
dashboard-remove-gate-question = 确定移除入口“{ $gate }”吗？该入口的检票设备将无法继续使用，已有的扫描记录仍会计入。
dashboard-last-gate = 每个名单至少要保留一个入口。
dashboard-scans-by-result = 扫描结果统计
dashboard-result-valid = 已入场
dashboard-result-already-used = 已使用
dashboard-result-not-inside = 未入场即离场
dashboard-result-revoked = 门票已撤销
dashboard-result-wrong-event = 其他活动的门票
dashboard-result-not-on-list = 不在此名单内
dashboard-result-not-yet-valid = 尚未生效
dashboard-result-expired = 已过期
dashboard-result-invalid-signature = 伪造或损坏的票码
dashboard-result-malformed = 不是门票码
dashboard-result-unknown = 未知门票
dashboard-conflicts = { $count } 张门票在离线时被重复放行
dashboard-conflicts-help = 这些门票在检票设备离线时被放行了不止一次。以最早的一次入场为准，其余几次请与入口工作人员核实。
dashboard-conflict-counted = 计入：{ $scan }
dashboard-conflict-also = 另有放行：{ $scan }
dashboard-conflict-scan = { $time }，{ $gate }（{ $device }）
dashboard-conflict-scan-offline = { $time }，{ $gate }（{ $device }，离线）
dashboard-change-list = 修改此名单
dashboard-delete-list = 删除此名单
dashboard-delete-list-question = 确定删除名单“{ $list }”及其入口吗？只有从未扫描过门票的名单才能删除。
dashboard-list-scanned = 此名单已有扫描记录，需作为记录保留，不能删除。
dashboard-new-list = 新建检票名单
dashboard-create-list = 创建名单
dashboard-list-name = 名单名称
dashboard-list-admits = 接受这些票种
dashboard-list-admits-hint = 不勾选则接受所有票种。
dashboard-entry-policy = 入场规则
dashboard-per-day-label = 每天入场次数（选择“每天限定入场次数”时）
dashboard-gates-one-per-line = 入口，每行一个
dashboard-gates-required = 请至少填写一个入口
