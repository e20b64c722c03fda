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
