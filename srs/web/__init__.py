"""`srs serve`: the review, mock exams and progress in a browser, on the same core as the
command line (see srs/web/app.py). Imported only by `srs serve`: no other command pays
for Starlette, Jinja2 or uvicorn."""
