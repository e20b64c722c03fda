# Messages of this area (filled as its pages move onto the catalogs).

# "Find my order": the order's secret link, asked for on /orders/find.
mail-find-order-subject = Your order { $reference }: { $event }
mail-find-order-heading = Here is your order
mail-find-order-intro = You asked for a link to your order { $reference } for { $event }. It opens the order and its tickets in any browser.
mail-find-order-open = Open your order
mail-find-order-keep = Keep this link to yourself: anyone who has it can see the order and its tickets.
mail-find-order-not-you = If you did not ask for it, you can ignore this message.
