# 门票转让：订单页上持票人的表单、受让人的接受页面、主办方的设置与记录、
# 两封邮件和各种拒绝。

errors-code-transfers-disabled = 主办方不允许转让本活动的门票。
errors-code-transfers-closed = 本活动的门票转让已截止。
errors-code-transfer-accepted = 此转让已被接受。
errors-code-transfer-cancelled = 此转让已被发送人取消。
errors-code-transfer-expired = 此转让已过期。
errors-code-ticket-void = 此门票已作废。
errors-code-ticket-used = 此门票已在入口使用。
errors-code-ticket-offered = 此门票已在一项待接受的转让中。
errors-code-transfer-limit = 此门票的转让次数已达本活动的上限。
transfers-error-not-your-ticket = 不是您在此订单中持有的门票

transfers-mail-offer-subject = { $from } 向您转让 { $event } 的门票
transfers-mail-offer-heading = 给您的门票
transfers-mail-offer-intro = { $count ->
   *[other] { $from } 想把 { $count } 张 { $event } 的门票转让给您。
}
transfers-mail-offer-message = { $from } 留言：
transfers-mail-ticket = 门票
transfers-mail-offer-accept = 接受门票
transfers-mail-offer-expiry = 链接在 { $date } 前有效。接受后您将获得以您名字签发的新门票，发送人的门票随即失效。
transfers-mail-offer-ignore = 如果您不想要这些门票，请忽略此邮件；门票仍归发送人所有。
transfers-mail-accepted-subject = 您转让的 { $event } 门票已被接受
transfers-mail-accepted-heading = 转让已接受
transfers-mail-accepted-intro = { $count ->
   *[other] { $to } 已接受您转让的 { $count } 张 { $event } 门票。
}
transfers-mail-accepted-void = 您转让出去的门票已不能入场：它们现在属于受让人，并有了新的票码。

transfers-link = 转让门票
transfers-title = 转让门票
transfers-intro = 把门票转给他人：对方会收到一封带链接的邮件，接受后将获得以其名字签发的新门票。在此之前您的门票仍然有效。
transfers-until = 可转让至 { $date }。
transfers-not-paid = 订单付款后才能转让门票。
transfers-nothing-to-offer = 此订单中您已没有可转让的门票。
transfers-which = 要转让的门票
transfers-to-email = 对方的电子邮箱
transfers-to-name = 对方的姓名（可选）
transfers-message = 给对方的留言（可选）
transfers-language = 邮件语言
transfers-language-en = English
transfers-language-zh = 中文 (简体)
transfers-what-happens = 对方接受后，您转出的门票将无法入场，改由对方的新门票入场。
transfers-send = 发送门票
transfers-sent = 链接已发出。在对方接受之前门票仍归您所有，您可以随时取消。
transfers-history = 转让记录
transfers-to = 接收人
transfers-accepted-by = 接受人
transfers-tickets = 门票
transfers-state = 状态
transfers-when = 时间
transfers-actions = 操作
transfers-cancel = 取消转让
transfers-state-pending = 等待对方接受
transfers-state-accepted = 已接受
transfers-state-cancelled = 已取消
transfers-state-expired = 已过期
transfers-ticket-offered = 转让中
transfers-ticket-transferred = 已转让

transfers-accept-title = 给您的门票
transfers-offer-from = { $from } 要把这些门票转让给您：
transfers-accept-until = 您可以在 { $date } 前接受。
transfers-your-name = 您的姓名（将印在门票上）
transfers-accept-as = 您已以 { $name } 的身份登录：门票也会显示在您的账户中。
transfers-accept-guest = 无需账户也可以接受，或者
transfers-sign-in = 登录以便在账户中保存门票。
transfers-accept = 接受门票
transfers-accepted = 门票已归您所有。请保存下面的链接：每个链接都能打开一张带票码的门票。
transfers-see-account = 查看我的门票
transfers-keep-links = 请收藏门票页面或截取票码：此页面不会再次显示它们。
transfers-received = 您收到的门票

transfers-tab = 转让
transfers-settings-title = 转让：{ $event }
transfers-settings-intro = 持票人可以把门票转给他人。受让人获得带新票码的新门票；旧票码立即失效，离线扫描设备在下次同步后也会拒绝。
transfers-settings-allowed = 允许持票人转让门票
transfers-settings-cutoff = 活动开始前多少小时停止转让
transfers-settings-cutoff-hint = 填 0 表示一直开放到活动开始。待接受的转让在截止时过期。
transfers-settings-max = 每张门票最多可转让几次
transfers-settings-save = 保存
transfers-settings-saved = 已保存。
transfers-settings-closes = 按此设置，转让将于 { $date } 截止。
transfers-settings-off = 本活动不允许转让门票。
transfers-settings-summary = 可转让至活动开始前 { $hours } 小时，每张门票最多 { $max } 次。

errors-code-name-changes-disabled = 主办方不允许更改本活动门票上的姓名。
errors-code-name-changes-closed = 本活动的门票改名已截止。
transfers-settings-names = 持票人可以更改门票上的姓名(每次更改都会生成新票码)
transfers-rename-title = 更改门票上的姓名
transfers-rename-intro = 门票将以新姓名重新签发并生成新票码;旧票码立即失效。
transfers-rename-name = { $ticket } 上的姓名
transfers-rename-save = 更改姓名
transfers-renamed = 姓名已更改:门票已有新票码。请使用新的票码(见订单页面和 PDF)。
