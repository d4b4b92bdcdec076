from django.urls import reverse


def test_focal_point_sees_the_directory(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.get(reverse("directory"))
    assert response.status_code == 200
    assert b"Uzbekistan" in response.content
