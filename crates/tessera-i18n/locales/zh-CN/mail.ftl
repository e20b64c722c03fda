# 发给购票人的邮件（tessera-mail）。金额和日期由邮件模块按语言格式化后作为文本传入。

## 各类邮件共用
mail-greeting = 您好！
mail-greeting-name = { $name }，您好！
mail-footer = 此邮件由 { $org } 通过 Tessera 根据您的订单自动发送，请勿直接回复。
mail-view-order = 查看订单
mail-view-tickets = 查看门票
mail-fact-event = 活动
mail-fact-when = 时间
mail-fact-where = 地点
mail-fact-order = 订单号
mail-fact-new-date = 新时间
mail-fact-amount-due = 应付金额
mail-fact-pay-by = 付款截止
mail-fact-payment-reference = 付款备注
mail-fact-refunded = 退款金额
mail-fact-reason = 退款原因
mail-fact-still-paid = 订单剩余实付金额

## 订单确认
mail-confirmation-subject = 订单确认：{ $event }（订单号 { $reference }）
mail-confirmation-heading = 订单已确认
mail-confirmation-intro = 感谢您的订购！您购买的「{ $event }」门票已确认。
mail-confirmation-table = 订单明细
mail-confirmation-item = 项目
mail-confirmation-quantity = 数量
mail-confirmation-unit-price = 单价
mail-confirmation-amount = 金额
mail-confirmation-fees = 手续费
mail-confirmation-taxes = 税费
mail-confirmation-total = 合计
mail-confirmation-tickets = { $count ->
   *[other] 您的门票
}
mail-confirmation-ticket-holder = { $holder } – { $label }
mail-confirmation-open-ticket = 查看门票
mail-confirmation-pdf = { $count ->
   *[other] 门票的 PDF 文件已附在本邮件中，入场时可出示手机上的电子票或打印版。
}

## 付款提醒（银行转账）
mail-payment-subject = 付款提醒：{ $event }（订单号 { $reference }）
mail-payment-heading = 请按时付款
mail-payment-intro = 我们已为您保留「{ $event }」的门票。请在 { $due } 之前支付 { $amount }，逾期预订将自动取消。
mail-payment-how = 付款方式
mail-payment-quote = 付款时请务必注明付款备注 { $reference }，以便我们核对您的款项。

## 退款
mail-refund-subject = 退款通知：{ $event }（订单号 { $reference }）
mail-refund-heading = 退款已办理
mail-refund-intro = 您的订单 { $reference }（「{ $event }」）已退款 { $amount }。
mail-refund-in-full = 您的订单已全额退款，订单中的门票随之失效。
mail-refund-way-back = 款项将按原付款方式退回，到账时间取决于您的银行，可能需要几个工作日。

## 预订过期后才到账的付款
mail-late-subject = 付款已退回：订单号 { $reference }
mail-late-heading = 您的付款已退回
mail-late-intro = 我们收到了您为订单 { $reference }（「{ $event }」）支付的 { $amount }，但款项到账时预订已过期，门票也已售出。
mail-late-sorry = 因此我们已将全部款项退还给您。给您带来不便，敬请谅解。

## 活动前提醒
mail-reminder-subject = 活动提醒：{ $event }（{ $date }）
mail-reminder-heading = 活动即将开始
mail-reminder-intro = 您预订的「{ $event }」即将开始，活动信息如下。
mail-reminder-bring = 入场时请出示您的门票（手机电子票或打印版均可）。

## 活动改期
mail-moved-subject = 活动改期：{ $event }（{ $date }）
mail-moved-heading = 活动时间已变更
mail-moved-intro = { $org } 已将「{ $event }」改期，您的门票继续有效。
mail-moved-renewed = 门票上的二维码已按新时间更新，请使用订单页面中的门票；此前打印的门票在入场时仍可识别。

## 活动取消
mail-cancelled-subject = 活动取消通知：{ $event }
mail-cancelled-heading = 活动已取消
mail-cancelled-intro = 很遗憾地通知您，{ $org } 已取消「{ $event }」。您订单 { $reference } 中的门票已失效。
mail-cancelled-refund = 我们将按原付款方式向您退款 { $amount }，您无需进行任何操作。

# "Find my order": the order's secret link, asked for on /orders/find.
mail-find-order-subject = 您的订单 { $reference }：{ $event }
mail-find-order-heading = 这是您的订单
mail-find-order-intro = 您申请了订单 { $reference }（「{ $event }」）的访问链接。通过它，您可以在任何浏览器中打开订单及其中的门票。
mail-find-order-open = 打开订单
mail-find-order-keep = 请妥善保管此链接：任何拿到它的人都能查看该订单及门票。
mail-find-order-not-you = 如果这不是您本人的操作，请忽略此邮件。

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
