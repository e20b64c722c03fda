# 此部分的消息。

## Account mails: password reset, address verification, invitations.

mail-reset-subject = 重置您的 Tessera 密码
mail-reset-heading = 设置新密码
mail-reset-hello = 您好！
mail-reset-hello-name = { $name }，您好！
mail-reset-body = 有人申请重置与此邮箱关联的 Tessera 账户密码。如果是您本人操作，请点击下方按钮设置新密码。设置后，所有已登录该账户的设备都将退出登录。
mail-reset-button = 设置新密码
mail-reset-expiry = { $minutes ->
   *[other] 该链接仅可使用一次，{ $minutes } 分钟内有效。
}
mail-reset-ignore = 如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。
mail-reset-footer = 此邮件由 Tessera 根据您账户上的操作自动发送，请勿直接回复。

mail-verify-subject = 请验证您的电子邮箱
mail-verify-heading = 验证邮箱地址
mail-verify-hello = 您好！
mail-verify-hello-name = { $name }，您好！
mail-verify-body = 请确认此邮箱属于您的 Tessera 账户，以便我们就门票和账户事宜与您联系。
mail-verify-button = 验证我的邮箱
mail-verify-expiry = { $minutes ->
   *[other] 该链接仅可使用一次，{ $minutes } 分钟内有效。您也可以在账户页面重新发送验证邮件。
}
mail-verify-ignore = 如果您没有注册 Tessera 账户，请忽略此邮件。
mail-verify-footer = 此邮件由 Tessera 根据您账户上的操作自动发送，请勿直接回复。

mail-invite-subject = 邀请您加入 Tessera 上的 { $org }
mail-invite-heading = { $org } 邀请您加入
mail-invite-hello = 您好！
mail-invite-hello-name = { $name }，您好！
mail-invite-body = { $inviter } 邀请您以「{ $role }」身份加入 Tessera 上的 { $org }。请点击下方按钮接受邀请：登录现有账户，或使用此邮箱注册新账户。
mail-invite-button = 接受邀请
mail-invite-expiry = { $days ->
   *[other] 邀请在 { $days } 天内有效。
}
mail-invite-ignore = 如果您不认识该组织，请忽略此邮件；除非您接受，否则不会有任何变化。
mail-invite-footer = 此邮件由 Tessera 代表邀请您的组织自动发送，请勿直接回复。
mail-invite-role-owner = 所有者
mail-invite-role-admin = 管理员
mail-invite-role-staff = 票务人员
mail-invite-role-scanner = 检票员
