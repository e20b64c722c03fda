# Password reset, e-mail verification, invitations and two-factor sign-in.

security-email = 电子邮箱
security-password = 密码
security-check-field = 请检查此项。
security-email-invalid = 请输入有效的电子邮箱，例如 name@example.org。
security-too-many = 请求过于频繁，请稍等几分钟再试。
security-back-to-sign-in = 返回登录
security-to-account = 前往我的账户
security-to-security = 前往账户安全
security-to-events = 查看所有活动
security-forgot-link = 忘记密码？

security-forgot-title = 忘记密码？
security-forgot-intro = 请输入您账户的电子邮箱，我们会发送一个设置新密码的链接。
security-forgot-send = 发送链接
security-forgot-sent-title = 请查收邮件
security-forgot-sent = 如果有账户使用此邮箱，我们已向其发送设置新密码的链接。该链接仅可使用一次，一小时内有效。
security-forgot-sent-spam = 几分钟后仍未收到？请检查垃圾邮件文件夹，或重新申请。
security-forgot-again = 重新获取链接

security-link-invalid-title = 此链接无法使用
security-link-invalid = 此链接无效、已过期或已被使用。

security-reset-title = 设置新密码
security-reset-intro = 为 { $email } 设置新密码。保存后，所有已登录此账户的设备都将退出登录。
security-new-password = 新密码
security-new-password-again = 再次输入新密码
security-password-hint = 至少 10 个字符。几个不相关的词组合起来就是一个强密码。
security-password-weak = 密码至少需要 10 个字符（最多 256 字节）。
security-password-mismatch = 两次输入的密码不一致。
security-password-wrong = 密码不正确。
security-reset-save = 保存新密码
security-reset-done-title = 密码已更改
security-reset-done = 请使用新密码登录。您账户的其他所有会话均已退出。

security-verified-title = 邮箱已验证
security-verified = 谢谢！您的电子邮箱已验证。
security-verification-sent = 我们已向您的邮箱发送新的验证链接。

security-title = 账户安全
security-required = 您所在的某个组织要求启用两步验证。请在下方完成设置，以便继续使用该组织的管理后台。
security-address-title = 电子邮箱
security-verified-badge = 已验证
security-unverified-badge = 未验证
security-unverified-text = 请通过我们发送的链接验证您的邮箱，以便我们就门票和账户事宜与您联系。
security-resend = 重新发送验证链接
security-change-password = 修改密码

security-totp-title = 两步验证
security-totp-on = 已开启
security-totp-off = 未开启
security-totp-intro = 开启两步验证后，登录时除了密码，还需要输入手机上身份验证器应用显示的验证码。
security-totp-setup = 设置两步验证
security-enrol-step-app = 在手机上打开身份验证器应用（例如 Google 身份验证器、Microsoft Authenticator 或 FreeOTP）。
security-enrol-step-scan = 用应用扫描此二维码。
security-qr-alt = 用于将此账户添加到身份验证器应用的二维码
security-enrol-secret = 无法扫描？请在应用中手动输入此密钥：
security-enrol-code = 应用显示的六位验证码
security-enrol-confirm = 开启两步验证
security-enrol-restart-text = 密钥丢失了？
security-enrol-restart = 使用新密钥重新开始
security-code-wrong = 验证码错误或已被使用，请输入应用中当前显示的验证码。
security-totp-enabled = 两步验证已开启。
security-codes-title = 您的恢复码
security-codes-intro = 如果手机丢失，可以使用其中一个恢复码代替应用中的验证码登录。每个恢复码只能使用一次。请妥善保存，例如存入密码管理器或打印出来。
security-codes-once = 恢复码只显示这一次：离开此页面前请复制或打印。
security-codes-done = 我已保存
security-codes-left = { $count ->
   *[other] 您还有 { $count } 个未使用的恢复码。
}
security-totp-disable-title = 关闭两步验证
security-totp-disable-intro = 请输入密码，以及应用中当前的验证码或一个恢复码以确认。
security-code-or-recovery = 应用验证码或恢复码
security-totp-disable = 关闭两步验证
security-totp-disabled = 两步验证已关闭，您的恢复码也已失效。

security-role-owner = 所有者
security-role-admin = 管理员
security-role-staff = 工作人员
security-role-scanner = 检票员
security-invitation-title = 加入 { $org }
security-invitation-intro = 您受邀以「{ $role }」身份加入 Tessera 上的 { $org }。
security-invitation-for = 此邀请发送给 { $email }。
security-invitation-accept = 接受邀请
security-invitation-signed-in-other = 您当前以 { $email } 登录。请退出后使用受邀邮箱登录，再接受邀请。
security-invitation-sign-in = 请使用受邀邮箱登录以接受邀请。
security-invitation-new = 第一次使用 Tessera？请用受邀邮箱注册账户，然后再次点击邮件中的链接。
security-invitation-sign-up = 注册账户
security-invitation-other-title = 此邀请不是发给您的
security-invitation-other = 此邀请发送到了另一个电子邮箱。请使用该邮箱登录后再接受。
