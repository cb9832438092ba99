"""WSGI entry point: ``gunicorn wsgi:app``; ``flask`` finds it with no --app."""
from eventsapp import create_app

app = create_app()
