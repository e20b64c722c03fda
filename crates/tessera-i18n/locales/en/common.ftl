# Words many pages and documents share.

common-tickets-count = { $count ->
    [one] 1 ticket
   *[other] { $count } tickets
}
common-category-concert = Concert
common-category-theatre = Theatre
common-category-sports = Sports
common-category-conference = Conference
common-category-festival = Festival
common-category-exhibition = Exhibition
common-category-comedy = Comedy
common-category-family = Family
common-category-course = Course
common-category-transport = Transport
common-category-other = Other
common-all = All
common-category = Category
common-save = Save
common-cancel = Cancel
common-confirm = Confirm
common-back = Back
common-close = Close
common-yes = Yes
common-no = No
common-optional = optional
