# The printable tickets (PDF) and the ticket page (tessera-render), in the
# buyer's language.

tickets-pdf-title = { $event } – order { $reference }
tickets-counter = Ticket { $number } of { $count }
tickets-type = Ticket type
tickets-seat = Seat / zone
tickets-holder = Holder
tickets-order = Order reference
tickets-id = Ticket ID
tickets-pdf-note = Show this code at the entrance, on paper or on screen. It admits one person once; keep it private, since anyone holding a copy can use it.
tickets-page-title = Ticket: { $event }
tickets-qr-label = QR code of ticket { $id }
tickets-qr-caption = Show this code at the entrance. Turn your screen brightness up.
tickets-qr-broken = This ticket's code cannot be shown. Please contact the organiser.
tickets-download-pdf = Download PDF ticket
tickets-page-note = This code admits one person once. Keep it private: anyone with a copy can use it.
