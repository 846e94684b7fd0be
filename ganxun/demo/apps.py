from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo bureau and the benchmark city: ``load_demo`` and ``bench_data``.  It has no models."""

    name = "ganxun.demo"
    label = "demo"
    verbose_name = "Demo"
