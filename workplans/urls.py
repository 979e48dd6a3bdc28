from django.urls import path

app_name = "workplans"

urlpatterns = [
    # Self-assessments and rubrics
    # Workplans: goals, action items, progress
    # Workplans: review, comments, sharing, snapshot
    # Support requests
]
