# Seats: the buyer's seat choice, the organizer's seat page, the seat-map
# editor and event images.

## Names of seats
seats-row = Row { $row }
seats-row-seat = Row { $row } · Seat { $seat }
seats-seat-name = { $section } · Row { $row } · Seat { $seat }
seats-section = Section { $section }
seats-free = { $count } free
seats-wheelchair = wheelchair space
seats-companion = companion seat
seats-restricted = restricted view
seats-aisle = aisle

## The buyer's seat choice
seats-choose = Choose your seats
seats-price-zone = Price zone
seats-price = Price
seats-seats-free = Seats free
seats-list = List of seats
seats-sections = Sections
seats-skip-list = Skip the list of seats
seats-other-sections = Seats you chose in other sections
seats-best = Best available
seats-best-note = We choose the best free seats together for you.
seats-how-many = How many seats
seats-any = Any
seats-wheelchair-spaces = Wheelchair spaces
seats-reserve = Reserve
seats-mode-chosen = The seats I chose
seats-mode-best = The best available seats
seats-choose-one = choose at least one seat, or ask for the best available seats
seats-how-many-missing = how many seats?
seats-whole-number = enter a whole number
seats-not-a-seat = “{ $id }” is not a seat of this event
seats-chosen-twice = { $seat } was chosen twice
seats-just-taken = { $seat } has just been taken; please choose another seat
seats-not-for-sale = { $seat } is not for sale
seats-cannot-block = { $seat } is held or sold; only free seats can be blocked
seats-not-blocked = { $seat } is not blocked

## States
seats-state-available = available
seats-state-taken = not available
seats-state-held = held
seats-state-sold = sold
seats-state-blocked = blocked
seats-state-chosen = chosen

## The map (seatmap.js)
seats-map = Seat map
seats-zoom-in = Zoom in
seats-zoom-out = Zoom out
seats-fit = Show the whole map
seats-stage = Stage
seats-your-seats = Your seats
seats-none-chosen = No seats chosen yet.
seats-subtotal = Subtotal
seats-remove = Remove
seats-at-most = At most { $max } seats per order.
seats-map-help = Tap or click a seat to choose it. Drag to move, pinch or use + and − to zoom.
seats-map-keys = Seat map: arrow keys move between seats, Enter or Space chooses, + and − zoom.
seats-zoom-to-choose = Zoom in to choose a seat.
seats-taken-by-other = { $seat } was just taken by someone else.
seats-best-when-reserving = We choose the best seats together when you reserve.
seats-map-failed = The seat map could not be loaded; please use the list of seats.
seats-order = Order
seats-nothing-chosen = Choose seats on the map or in the list first.
seats-working = Working…
seats-select-help = Select seats to block or release.
seats-selected = Selected
seats-clear = Clear
seats-list-keys = Arrow keys move between seats; Space chooses; Tab leaves the list.
seats-count-label = Seats

## The organizer's seat page
seats-title = Seats · { $event }
seats-back = ← Back to the event: { $event }
seats-available = Available
seats-held = Held
seats-sold = Sold
seats-blocked = Blocked
seats-block = Block chosen seats
seats-release = Release chosen seats
seats-blocked-note = Blocked seats are kept back from sale (production, press) until released.
seats-taken-title = Held and sold seats
seats-seat = Seat
seats-state = State
seats-buyer = Buyer
seats-none-taken = No seat of this section is held or sold.
seats-done-blocked = { $count ->
    [one] One seat blocked.
   *[other] { $count } seats blocked.
}
seats-done-released = { $count ->
    [one] One seat released.
   *[other] { $count } seats released.
}
seats-earlier = Earlier
seats-later = Later
seats-page-of = { $page } / { $pages }

## Selling an event by seat
seats-not-seated = This event is not sold by seat.
seats-setup-title = Sell this event by seat
seats-setup-intro = The seats are copied from the seat map of the venue { $venue }. Choose which ticket type each seat category sells as.
seats-setup-category = Category “{ $category }” ({ $count ->
    [one] one seat
   *[other] { $count } seats
})
seats-setup-choose-type = Choose a ticket type
seats-setup-submit = Sell by seat
seats-setup-no-map = The venue { $venue } has no seat map yet.
seats-setup-no-types = Add ticket types to the event first: each seat category sells as one of them.
seats-setup-edit-map = Draw the venue’s seat map
seats-setup-change = Change which ticket type each category sells as
seats-setup-done = The event is now sold by seat.
seats-setup-pick-type = choose the ticket type this category sells as

## The seat-map editor
seats-editor-title = Seat map of { $venue }
seats-editor-back = ← Back to the venue: { $venue }
seats-editor-intro = Draw the venue’s seats row by row. Each row gets its seats numbered from the start number, evenly spaced, optionally curved towards the stage.
seats-editor-import = You can also import a seat map file on the venue’s page.
seats-editor-empty = This venue has no seat map yet: add its first row.
seats-editor-summary = { $seats ->
    [one] One seat
   *[other] { $seats } seats
} in { $sections ->
    [one] one section
   *[other] { $sections } sections
}.
seats-editor-rows = Sections and rows
seats-editor-row-summary = Row { $row }: { $count ->
    [one] one seat
   *[other] { $count } seats
}, category { $category }
seats-editor-add-row = Add a row
seats-editor-section = Section
seats-editor-section-hint = An existing section’s name adds the row behind its last row; a new name starts a new section.
seats-editor-row-label = Row label
seats-editor-seat-count = Number of seats
seats-editor-start = First seat number
seats-editor-spacing = Distance between seats
seats-editor-curve = Curve
seats-editor-curve-hint = 0 is straight; 1 bends the row’s ends back by one seat’s distance.
seats-editor-category = Category
seats-editor-add = Add the row
seats-editor-row-added = Row { $row } added to { $section }.
seats-editor-saved = The seat map was saved: { $seats ->
    [one] one seat
   *[other] { $seats } seats
}.
seats-editor-problem = { $place }: { $problem }
seats-editor-row-name = { $section } · Row { $row }
seats-editor-need-text = enter a name
seats-editor-too-long = at most { $max } characters
seats-editor-need-number = enter a number between { $min } and { $max }
seats-editor-need-whole = enter a whole number between { $min } and { $max }
seats-editor-row-exists = { $section } already has a row { $row }

## The editor's tools (seat-editor.js)
seats-editor-tools = Editing tools
seats-editor-canvas = Seat map editor: arrow keys move between seats, Space selects, Shift with arrow keys moves the selected seats.
seats-editor-help = Click a seat to select it, Shift-click to add to the selection, drag a box to select many.
seats-editor-selected = { $count ->
    [0] No seat selected.
    [one] One seat selected.
   *[other] { $count } seats selected.
}
seats-editor-select-all = Select all
seats-editor-select-none = Select none
seats-editor-set-category = Set the category
seats-editor-apply = Apply
seats-editor-flags = Mark the selected seats
seats-editor-flags-clear = Clear the marks
seats-editor-renumber = Renumber from
seats-editor-move = Move the selected seats
seats-editor-move-left = Left
seats-editor-move-right = Right
seats-editor-move-up = Forward
seats-editor-move-down = Back
seats-editor-delete = Delete the selected seats
seats-editor-save = Save the seat map
seats-editor-saving = Saving…
seats-editor-unsaved = Changes not saved yet.
seats-editor-refused = The seat map was not saved:
seats-editor-failed = The editor could not be loaded; please use the form below.

## Event images
seats-image-title = Image of { $event }
seats-image-back = ← Back to the event: { $event }
seats-image-intro = The image shows on the event’s page and in the list of events. It is resized for phones and large screens and its metadata (camera, place) is removed.
seats-image-current = The current image
seats-image-none = The event has no image yet.
seats-image-file = Image file
seats-image-hint = JPEG, PNG or WebP, at most { $megabytes } MB and { $pixels } pixels on a side; at least { $min } pixels wide looks best.
seats-image-upload = Upload the image
seats-image-replace = Replace the image
seats-image-remove = Remove the image
seats-image-remove-question = Remove the event’s image? The page shows none until you upload another.
seats-image-remove-yes = Yes, remove it
seats-image-uploaded = The image was saved.
seats-image-removed = The image was removed.
seats-image-missing = choose an image file
seats-image-not-image = this file is not a JPEG, PNG or WebP image
seats-image-broken = this image could not be read; it may be damaged
seats-image-too-large = the file is larger than { $megabytes } MB
seats-image-too-many-pixels = the image is { $width } × { $height } pixels; at most { $max } pixels on a side and { $megapixels } million pixels in all
