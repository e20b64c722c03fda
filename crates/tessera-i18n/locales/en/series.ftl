# Series: events repeating by a rule, their calendar and their errors.

## Errors (the English text equals the app's message byte for byte)
errors-series-rrule = must be a rule such as FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10 (FREQ=DAILY, WEEKLY or MONTHLY; INTERVAL; BYDAY for weekly; BYMONTHDAY for monthly; COUNT or UNTIL=YYYYMMDD)
errors-series-too-many = produces more than { $max } occurrences
errors-series-empty = produces no occurrence
errors-series-times = must be 1 to { $max } distinct times of day such as 09:30
errors-series-date = must be a date such as 2027-05-01
errors-series-too-many-dates = at most { $max } dates

## Listing
series-daily-from = Daily, from { $date }
series-weekly-from = Weekly, from { $date }
series-monthly-from = Monthly, from { $date }

## Calendar
series-months = Months
series-month = { $month }/{ $year }
series-prev-month = ← Previous month
series-next-month = Next month →
series-mo = Mon
series-tu = Tue
series-we = Wed
series-th = Thu
series-fr = Fri
series-sa = Sat
series-su = Sun
series-day-none = { $day }: no dates
series-day-sold-out = { $day }: sold out
series-day-times = { $count ->
    [one] { $day }: one time
   *[other] { $day }: { $count } times
}
series-sold-out-short = Sold out
series-sold-out = sold out
series-cancelled = cancelled
series-left = { $count ->
    [one] one left
   *[other] { $count } left
}
series-no-dates-month = No dates this month.
series-times-on = Times on { $date }
series-no-times = No times on this day.
series-pick-day = Pick a day to see its times.
series-other-dates = Other dates

## The confirmation e-mail's calendar file (every event, series or not)
mail-confirmation-calendar = Add the date to your calendar
mail-confirmation-calendar-link = Calendar file (.ics)

## Dashboard
series-dashboard-title = Series
series-dashboard-link = Series (events that repeat)
series-dashboard-intro = A series repeats by a rule: each date and start time becomes an event with its own capacity, sold and scanned like any event.
series-none = No series yet.
series-col-title = Title
series-col-rule = Rule
series-col-status = Status
series-status-draft = draft
series-status-published = published
series-new = New series
series-field-title = Title
series-field-description = Description
series-field-venue = Venue
series-field-category = Category
series-field-freq = Repeats
series-freq-daily = Daily
series-freq-weekly = Weekly
series-freq-monthly = Monthly
series-field-interval = Every (days, weeks or months)
series-field-days = On these days (weekly)
series-field-monthdays = On these days of the month (monthly, e.g. 1, 15, -1 for the last)
series-field-first-date = First date
series-field-count = Number of dates
series-field-until = Or until (last date)
series-field-times = Start times (e.g. 10:00, 14:00)
series-field-exdates = Dates left out (YYYY-MM-DD, separated by commas)
series-field-rdates = Dates added (YYYY-MM-DD, separated by commas)
series-field-duration = Length in minutes
series-field-capacity = Tickets per occurrence (shared by the ticket types)
series-field-currency = Currency
series-field-type-name = Ticket type { $n }
series-field-type-price = Price of ticket type { $n }
series-create = Create the series and its dates
series-bad-currency = enter a currency code such as EUR
series-bad-amount = enter an amount such as 12.50
series-pick-venue = choose a venue and a category
series-saved = Saved.
series-public-page = Public calendar
series-publish = Publish the series and all its dates
series-published-note = Published: every date is on sale.
series-occurrences = Dates
series-col-when = When
series-col-sold = Sold
series-col-actions = Actions
series-remove = Remove
series-has-orders = has orders: cancel it on its page
series-next-page = Next dates →
series-change-title = Change this and all future dates
series-change-intro = From the date given on, dates the new rule no longer gives are removed (refused if one has orders), new ones are made, and the others take the new capacity and prices. Tickets already sold keep their price. To change one date alone, open it.
series-field-from = From (date)
series-field-rrule = Rule (RRULE)
series-change = Apply from this date on
