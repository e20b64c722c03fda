# 买家账户：注册、登录及账户页面。

account-email = 电子邮箱
account-password = 密码
account-totp-optional = 身份验证器代码（如已启用）
account-no-account = 还没有账户？
account-sign-up = 注册
account-create = 创建账户
account-name = 您的姓名
account-password-hint = 至少 12 个字符。
account-have-account = 已有账户？
account-bad-email = 请输入电子邮箱地址，例如 name@example.org
account-wrong-credentials = 电子邮箱或密码错误。

# 我的门票（/account）。
account-my-tickets = 我的门票
account-signed-in-as = 当前账户：{ $name }（{ $email }）
account-upcoming = 即将开始的活动
account-past = 已结束的活动
account-no-tickets = 您还没有即将开始的活动门票。
account-see-events = 查看所有活动
account-orders = 我的订单
account-no-orders = 您还没有订单。
account-event = 活动
account-reference = 订单号
account-placed = 下单时间
account-state = 状态
account-total = 合计
account-tickets-count = { $count ->
   *[other] { $count } 张门票
}
account-lost-order = 没有注册账户就下了单，或用的是别的邮箱？
