# The platform administrators' pages: every organization and every account.

admin-title = Platform administration
admin-sections = Platform administration
admin-orgs = Organizations
admin-users = Users
admin-name = Name
admin-handle = Handle
admin-two-factor-required = Two-factor required
admin-created = Created
admin-members-and-roles = Members and roles
admin-email = E-mail address
admin-platform-admin = Platform administrator
admin-two-factor = Two-factor
admin-joined = Joined
admin-yes = Yes
admin-no = No
admin-on = on
admin-off = off
admin-no-orgs = No organizations yet.
admin-no-more = No more entries.
admin-pages = Pages
admin-page = Page { $page }
admin-previous = Previous page
admin-next = Next page
