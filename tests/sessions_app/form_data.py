"""What someone entitled could send to sessions_app's forms, for the access tests that post it
as people who must not reach the object (tests/test_access_walk.py,
tests/sessions_app/test_access.py). Without the one-time token a create form carries: each
test adds its own."""

SERIES = {
    "title": "Posted series",
    "first_date": "2026-11-03",
    "start_time": "10:00",
    "end_time": "11:00",
    "time_zone": "America/Denver",
    "repeat": "monthly_weekday",
    "count": "2",
    "where": "video",
    "video_url": "https://video.example.org/x",
    "action": "create",
}
ONE_SESSION = {**SERIES, "date": "2026-11-03", "title": "Posted session"}
DETAILS = {
    "title": "Renamed",
    "duration_minutes": "60",
    "where": "video",
    "video_url": "https://video.example.org/x",
}
MOVE = {
    "date": "2026-11-03",
    "start_time": "10:00",
    "time_zone": "America/Denver",
    "reason": "x",
    "action": "move",
}
LINK = {"title": "Posted reading", "url": "https://example.org/posted"}
