# 按面值转售:卖家页面、活动页上的转售票、买家购买转售票、主办方的设置页、邮件和拒绝信息。

errors-code-ticket-listed = 此门票正在转售中,请先撤下转售。
errors-code-resale-disabled = 主办方不允许本活动的门票转售。
errors-code-resale-closed = 活动已开始,转售已关闭。
errors-code-not-resellable = 通过转让获得的门票不能转售。
errors-code-no-refundable-payment = 此订单没有可退回转售款的付款;请降低价格。
errors-code-listing-held = 有人正在为此转售票付款;如果对方未完成付款,之后可以撤下。
errors-code-listing-ended = 此转售已售出或已撤下。
errors-code-listing-unavailable = 此转售票已不可购买。
errors-code-primary-first = 此票种仍有首发票出售,请购买首发票。
errors-code-own-listing = 这是您自己的转售。
errors-code-resale-first = 此票种优先出售转售票,请在下方购买。
errors-lines-empty-with-listing = 购买转售票时此项须留空
resale-error-not-your-ticket = 不是此订单的门票
resale-error-price-cap = 最多 { $amount }

resale-tab = 转售
resale-link = 按面值转售
resale-title = 按面值转售门票
resale-intro = 去不了?在这里转售门票,不必去黄牛网站。有人买下后,您的门票作废,票款扣除主办方手续费后原路退回。
resale-rules = 主办方收取价格的 { $fee };每张门票的最高价格显示在其下方。
resale-not-paid = 订单付款后才能转售门票。
resale-nothing-to-list = 此订单目前没有可转售的门票。
resale-price = { $ticket } 的售价
resale-list = 挂出转售
resale-listed-ok = 已挂出。售出后我们会发邮件通知您。
resale-withdrawn-ok = 已撤下转售,门票仍归您所有。
resale-withdraw = 撤下
resale-my-listings = 您的转售
resale-held-until = 买家正在付款,保留至 { $date }

resale-col-ticket = 门票
resale-col-seller = 卖家
resale-col-price = 价格
resale-col-fee = 手续费
resale-col-payout = 退回金额
resale-col-state = 状态
resale-col-when = 挂出时间

resale-state-listed = 在售
resale-state-held = 购买中
resale-state-sold = 已售出
resale-state-withdrawn = 已撤下
resale-state-cancelled = 已取消

resale-on-sale = 转售票
resale-on-sale-intro = 其他观众无法使用的门票,价格不高于面值。
resale-face = 面值 { $amount }
resale-buy = 购买
resale-buy-title = 购买转售票
resale-buy-what = { $ticket }:{ $price }(面值 { $face })
resale-buy-how = 付款期间门票为您保留。付款后卖家的门票作废,您会得到一张带新票码的门票。
resale-buy-submit = 预订这张票
resale-buy-gone = 此转售票已不可购买。
resale-back-to-event = 返回活动

resale-settings-title = 转售 – { $event }
resale-settings-intro = 允许持票人以不高于面值的价格转售无法使用的门票,而不是流向黄牛。售出时卖家门票作废,买家获得新票,票款原路退回卖家。
resale-settings-enabled = 允许持票人转售门票
resale-settings-cap = 价格上限(面值的百分比)
resale-settings-cap-hint = 100 表示可按面值出售;更低则转售价低于首发价。
resale-settings-fee = 手续费(价格的基点)
resale-settings-fee-hint = 250 即 2.5%,从卖家的退款中扣除。
resale-settings-first = 某票种仍有首发票在售时
resale-first-primary = 优先出售首发票(该票种售罄后才出售转售票)
resale-first-resale = 优先出售转售票(该票种有转售票时暂停首发)
resale-settings-save = 保存转售规则
resale-settings-saved = 转售规则已保存。
resale-settings-off = 本活动未开放转售。
resale-listings = 转售列表
resale-none = 暂无转售。

resale-mail-sold-subject = 您的 { $event } 门票已转售
resale-mail-sold-heading = 您的门票已转售
resale-mail-sold-intro = 您挂出的门票({ $ticket },{ $event })以 { $price } 售出。
resale-mail-sold-payout = { $payout } 将原路退回到您的付款方式(主办方手续费 { $fee })。
resale-mail-sold-void = 您挂出的门票已失效;新持票人有自己的门票。
