# 此部分的消息。

# "Find my order": the order's secret link, asked for on /orders/find.
mail-find-order-subject = 您的订单 { $reference }：{ $event }
mail-find-order-heading = 这是您的订单
mail-find-order-intro = 您申请了订单 { $reference }（「{ $event }」）的访问链接。通过它，您可以在任何浏览器中打开订单及其中的门票。
mail-find-order-open = 打开订单
mail-find-order-keep = 请妥善保管此链接：任何拿到它的人都能查看该订单及门票。
mail-find-order-not-you = 如果这不是您本人的操作，请忽略此邮件。
