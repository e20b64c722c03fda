# Order lists, order pages, the overview and the box office in the dashboard.
