"""The demo: a bureau and a year of its training, composed through each app's services.

No domain app imports this package; it sits above them all.  ``bureau`` writes the 科室, cadres and one account
per role through roster's services; ``schedule`` plans the calendar of the three classrooms from a fixed seed and
the day of loading; ``loader`` writes it through training's and hours' services (see there for the few rows written
as the services write them); ``reports`` adds the outside classes and the self-reports.  ``load_demo`` loads the
bureau, then calls ``load_training_year``; ``bench_data`` builds the synthetic city of the compliance benchmark.
"""
