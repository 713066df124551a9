def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "scheduler": {"last_seen": None, "alive": False},
    }


def test_rollback_between_tests_part_one(make, session):
    make.topic(slug="isolation-check")


def test_rollback_between_tests_part_two(session):
    from sqlalchemy import select

    from app.topics.models import TopicArea

    assert session.scalar(select(TopicArea).where(TopicArea.slug == "isolation-check")) is None
