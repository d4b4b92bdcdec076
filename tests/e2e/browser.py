"""What the browser journeys share: logging a person in, in a language."""

from playwright.sync_api import expect

from tests.factories.members import PASSWORD


def log_in(page, base: str, username: str, language: str = "en") -> None:
    """Log ``username`` in through the login page, the interface in ``language``, and wait for
    the first page after it."""
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_be_visible()
