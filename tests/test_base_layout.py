"""The base layout and the README's set-up notes: a skip link first on every page, leading
to the main content; the README says how `make run` behaves, how to choose host and port,
where the browser tests' Chromium comes from, and what an empty TWO_FACTOR_ROLES does."""

from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def test_the_skip_link_comes_first_and_leads_to_the_content(client, focal_kz):
    for page in (client.get(reverse("login")),):
        html = page.content.decode()
        body = html[html.index("<body") :]
        first_link = body.index("<a ")
        assert body.index('class="skip-link"') == first_link + len('<a href="#content" ')
        assert '<main class="container" id="content"' in html
    client.force_login(focal_kz)
    html = client.get(reverse("home")).content.decode()
    assert html.index('data-testid="skip-link"') < html.index("<header")


def test_the_readme_says_how_make_run_behaves_and_where_chromium_comes_from():
    readme = (ROOT / "README.md").read_text()
    assert "It keeps the terminal" in readme
    assert "make run HOST=0.0.0.0:8080" in readme and "host and port" in readme
    assert "Debian's Chromium" in readme and "make chromium" in readme
    assert "TWO_FACTOR_ROLES= make run` turns that off for everyone" in readme
    assert "\nchromium:" in (ROOT / "Makefile").read_text()
