import gc

from django.test import SimpleTestCase

from ganxun.core.collector import paused_collection


class PausedCollectionTests(SimpleTestCase):
    def setUp(self):
        self.addCleanup(gc.enable)

    def test_off_inside_and_on_after(self):
        with paused_collection():
            self.assertFalse(gc.isenabled())
        self.assertTrue(gc.isenabled())

    def test_on_again_after_an_error(self):
        with self.assertRaises(ValueError), paused_collection():
            raise ValueError
        self.assertTrue(gc.isenabled())

    def test_a_decorated_function_nested_in_itself_turns_it_on_only_at_the_outermost_exit(self):
        seen = []

        @paused_collection()
        def work(depth):
            if depth:
                work(depth - 1)
            seen.append(gc.isenabled())

        work(2)
        self.assertEqual(seen, [False, False, False])
        self.assertTrue(gc.isenabled())

    def test_left_off_when_it_was_off_before(self):
        gc.disable()
        with paused_collection():
            pass
        self.assertFalse(gc.isenabled())
