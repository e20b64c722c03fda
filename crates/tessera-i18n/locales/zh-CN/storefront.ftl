# 售票前台：查找活动、购票、订单、付款确认及订单专属链接。

storefront-events-title = 活动
storefront-search = 搜索活动
storefront-category = 类别
storefront-all = 全部类别
storefront-from-date = 开始日期
storefront-to-date = 结束日期
storefront-search-button = 搜索
storefront-bad-date = 请输入日期，例如 2026-12-31
storefront-no-events = 没有找到活动。
storefront-from-price = { $price } 起
storefront-free = 免费
storefront-month = { $month ->
    [1] 1月
    [2] 2月
    [3] 3月
    [4] 4月
    [5] 5月
    [6] 6月
    [7] 7月
    [8] 8月
    [9] 9月
    [10] 10月
    [11] 11月
   *[12] 12月
}
storefront-day = { $day }日

# 活动页面。
storefront-when = 时间
storefront-where = 地点
storefront-time-zone = 以上时间均为场馆所在时区（{ $zone }）。
storefront-map = 在地图上查看
storefront-add-to-calendar = 添加到日历
storefront-about = 活动介绍
storefront-tickets = 门票
storefront-ticket = 票种
storefront-price = 价格
storefront-quantity = 数量
storefront-how-many = 「{ $name }」的购买数量
storefront-fewer = 减少一张「{ $name }」
storefront-more = 增加一张「{ $name }」
storefront-not-on-sale = 未开售
storefront-sold-out = 已售罄
storefront-only-left = { $count ->
   *[other] 仅剩 { $count } 张
}
storefront-left-script = 仅剩 { $count } 张
storefront-on-sale-from = { $when } 开售
storefront-sales-open-on = 门票将于 { $when } 开售
storefront-incl-fees = 含手续费 { $fees }
storefront-per-order-fee = 每笔订单另收服务费 { $fee }。
storefront-max-per-order = { $count ->
   *[other] 每笔订单最多 { $count } 张
}
storefront-your-details = 您的信息
storefront-name = 票上的姓名
storefront-email = 电子邮箱
storefront-email-hint = 门票将发送到这个邮箱。
storefront-reserve = 预订
storefront-total-so-far = 合计
storefront-nothing-on-sale = 本活动目前没有在售的门票。
storefront-choose-one = 请至少选择一张票
storefront-whole-number = { $name }：请输入整数
storefront-bad-email = 请输入电子邮箱地址，例如 name@example.org
storefront-form-expired = 表单已过期，请重新选择门票。
storefront-open-event = 重新打开活动

# 订单页面。
storefront-order-title = 您的订单
storefront-order-ref = 订单 { $reference }
storefront-state-pending = 待付款
storefront-state-paid = 已付款
storefront-state-expired = 已过期
storefront-state-cancelled = 已取消
storefront-state-refunded = 已退款
storefront-state-partly-refunded = 部分退款
storefront-refunded-amount = 已退款：{ $amount }
storefront-fees = 手续费
storefront-tax = 税费
storefront-total = 合计
storefront-line-amount = 金额
storefront-held-for = 您的门票将为您保留
storefront-held-until = 截至 { $time }
storefront-pay = 支付 { $amount }
storefront-confirm-free = 确认领取免费门票
storefront-download-pdf = 下载门票（PDF）
storefront-your-tickets = 您的门票
storefront-seat = 座位
storefront-holder = 持票人
storefront-type = 票种
storefront-qr-alt = { $name } 的门票二维码
storefront-open-ticket = 打开此票
storefront-ticket-void = 已失效
storefront-refund-title = 无法出席？
storefront-refund-offer = 您可以在 { $deadline } 前取消订单，并获得 { $amount } 退款。
storefront-refund-button = 取消并退款
storefront-refund-question = 确定取消此订单并退款 { $amount } 吗？门票将立即失效。
storefront-refund-yes = 确定，取消并退款
storefront-no-refund = 无法退款
storefront-back-to-order = 返回订单
storefront-hold-expired = 保留时间已过，门票已重新开售。
storefront-start-again = 重新选购
storefront-order-closed = 此订单{ $state }。
storefront-how-to-pay = 付款方式
storefront-quote = 付款时请注明 { $reference }，截止时间为 { $due }。

# 付款后的确认页面。
storefront-thanks-title = 感谢您的购买！
storefront-on-their-way = 门票已发送至 { $email }，请注意查收。
storefront-view-tickets = 查看门票
storefront-waiting-title = 马上就好
storefront-waiting = 我们正在等待付款确认。确认后，此页面会立即显示您的门票。

# 无需账户即可找回订单。
storefront-find-link = 找回订单
storefront-find-title = 找回订单
storefront-find-intro = 请输入下单时使用的电子邮箱和订单号（见确认邮件，例如 A1B2C3D4）。我们会把打开订单的链接发送给您。
storefront-find-reference = 订单号
storefront-find-send = 发送链接
storefront-find-sent-title = 请查收邮件
storefront-find-sent = 如果存在使用 { $email } 下单、且订单号相符的订单，我们已将订单链接发送到该邮箱。邮件可能需要一分钟左右才能送达。
storefront-find-no-reference = 请输入订单号
storefront-find-too-many = 请求过于频繁，请稍等几分钟再试。

# 门票页面及测试付款页面。
storefront-ticket-not-found = 未找到门票
storefront-ticket-check-link = 请检查订单确认邮件中的链接。
storefront-ticket-gone = 门票已失效
storefront-ticket-replaced = 此票已被新票取代（例如更改了持票人姓名），请使用新票。
storefront-ticket-cancelled = 此票已取消或退款，不能再用于入场。
storefront-sandbox-title = 模拟付款
storefront-sandbox-test = 测试付款。
storefront-sandbox-note = 不会产生实际扣款：此页面模拟支付服务商的付款页面。
storefront-sandbox-order = 订单 { $reference } · { $amount }
storefront-sandbox-outcome = 付款结果
storefront-sandbox-success = 付款成功
storefront-sandbox-decline = 银行卡被拒
storefront-sandbox-delayed = 稍后才收到确认
storefront-sandbox-delay = 距离确认的秒数
storefront-sandbox-pay = 支付 { $amount }
storefront-sandbox-state = 此笔付款状态：{ $state }。
storefront-sandbox-accepted = 付款成功。
storefront-sandbox-later = 付款确认将稍后送达。
storefront-sandbox-declined = 付款被拒，订单仍在等待付款。
storefront-sandbox-choose = 请选择付款结果：成功、被拒或延迟确认。
storefront-sandbox-not-found = 未找到付款
storefront-sandbox-missing = 此测试付款不存在。
storefront-access-code-title = 有访问码？
storefront-access-code = 访问码
storefront-access-code-submit = 显示对应门票
storefront-access-code-wrong = 此访问码无法解锁本活动的任何门票。
storefront-access-code-accepted = 访问码已生效：对应门票列在下方。
storefront-tier-left = 此价格仅剩 { $count } 张
storefront-tier-until = 截至 { $when }
storefront-tier-then = 之后为 { $price }
