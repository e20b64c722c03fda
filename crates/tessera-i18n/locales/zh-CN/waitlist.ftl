# 候补名单：售罄票种的候补买家、按顺序提供释放的门票、主办方标签页和候补邀请邮件。

errors-code-waitlist-closed = 此活动没有候补名单。
errors-code-not-sold-out = 此票种仍在销售中，请直接购买。
errors-code-waitlist-entry-ended = 此候补登记已经结束。

waitlist-tab = 候补名单
waitlist-list-title = 候补名单 · { $event }
waitlist-settings-intro = 票种售罄后，买家可以加入候补名单。因退款、取消、预订过期或增加容量而释放的门票，会按加入顺序提供给候补买家；每个邀请会为买家保留门票一段时间，过期后转给下一位。
waitlist-settings-enabled = 允许买家加入售罄票种的候补名单
waitlist-settings-minutes = 邀请保留门票的时间（分钟）
waitlist-settings-minutes-hint = 5 至 10080（一周）。未回应的邀请会转给下一位候补买家。
waitlist-settings-save = 保存候补设置
waitlist-settings-saved = 候补设置已保存。
waitlist-settings-off = 此活动没有候补名单。
waitlist-settings-summary = 候补名单已开启；邀请为买家保留门票 { $minutes } 分钟。
waitlist-entries = 候补登记
waitlist-no-entries = 候补名单上还没有人。
waitlist-position = 排位
waitlist-buyer = 买家
waitlist-tickets = 门票
waitlist-state = 状态
waitlist-joined = 加入时间
waitlist-detail = 详情
waitlist-actions = 操作
waitlist-remove = 移除
waitlist-removed-notice = 该登记已从候补名单中移除。
waitlist-state-waiting = 等候中
waitlist-state-offered = 已发出邀请
waitlist-state-accepted = 已接受
waitlist-state-lapsed = 邀请已过期
waitlist-state-left = 已退出
waitlist-state-removed = 已移除
waitlist-state-skipped = 已跳过

waitlist-join-link = 加入候补名单
waitlist-join-title = 候补名单 · { $event }
waitlist-join-heading = { $type } 的候补名单
waitlist-join-intro = 此票种已售罄。加入候补名单：有门票释放时，会按加入顺序提供，您会收到一封附有购票链接的邮件。
waitlist-join-how = 我们会为您保留邀请中的门票一段时间；若届时未购买，门票将转给下一位候补买家。
waitlist-join-submit = 加入候补名单
waitlist-join-on-sale = 此票种仍在销售中，请在活动页面购买。
waitlist-back-to-event = 返回活动
waitlist-quantity = 门票数量

waitlist-entry-title = 您的候补排位
waitlist-waiting-text = 您已在候补名单上。有门票为您释放时，我们会发送附有购票链接的邮件。
waitlist-offered-text = 已为您保留门票！请在邀请结束前购买。
waitlist-offer-until = 为您保留至 { $date }
waitlist-offer-pay = 购买门票
waitlist-accepted-text = 您已购买邀请中的门票，门票在您的订单中。
waitlist-lapsed-text = 邀请已结束且未购买；门票已转给下一位候补买家。
waitlist-ended-text = 此登记已不在候补名单上。
waitlist-leave = 退出候补名单
waitlist-left-notice = 您已退出候补名单。
waitlist-keep-link = 请保存此页面的链接：可查看您的排位，也可退出候补名单。
waitlist-account-title = 候补名单
waitlist-account-open = 打开

waitlist-mail-offer-subject = 已为您保留 { $event } 的门票
waitlist-mail-offer-heading = 轮到您了
waitlist-mail-offer-intro = { $event } 有 { $count } 张门票已释放，并为您保留。
waitlist-mail-ticket-type = 门票
waitlist-mail-offer-pay = 购买门票
waitlist-mail-offer-expiry = 门票为您保留至 { $date }。之后将提供给候补名单上的下一位。
waitlist-mail-offer-ignore = 如果您不再需要，请忽略此邮件。
