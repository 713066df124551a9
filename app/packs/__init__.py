"""The briefing pack: cover, contents, the agenda, then every paper in agenda order, in one PDF
marked and numbered on every page (`build_pack`); `sources.pack_for` gathers it from the
database for one side."""
