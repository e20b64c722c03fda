# 可打印的门票（PDF）和门票页面（tessera-render），使用购票人的语言。

tickets-pdf-title = { $event } – 订单 { $reference }
tickets-counter = 第 { $number } 张，共 { $count } 张
tickets-type = 票种
tickets-seat = 座位 / 区域
tickets-holder = 持票人
tickets-order = 订单号
tickets-id = 门票编号
tickets-pdf-note = 入场时请出示此二维码（纸质或手机屏幕均可）。每张门票仅限一人入场一次；请妥善保管，任何持有副本的人都可以使用。
tickets-page-title = 门票：{ $event }
tickets-qr-label = 门票 { $id } 的二维码
tickets-qr-caption = 入场时请出示此二维码，并调高屏幕亮度。
tickets-qr-broken = 此门票的二维码无法显示，请联系主办方。
tickets-download-pdf = 下载 PDF 门票
tickets-page-note = 此二维码仅限一人入场一次。请妥善保管：任何持有副本的人都可以使用。
