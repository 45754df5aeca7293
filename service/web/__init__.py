"""Server-rendered pages for businesses, students and centre staff, at `/` of the API's app.

Every page calls `service.network.Network`, the path the JSON API and the CLI take; the
pages add forms, explanations a person reads, and the UI in English, Albanian and
Bosnian/Croatian/Serbian/Montenegrin (Latin). `site.install(app)` adds them to an app.
"""
