"""Factories for 培训菜单: a post family with its posts, and a topic it needs."""

import factory

from ganxun.training.tests.factories import TopicModuleFactory

from ..models import Need, PostFamily, PostName


class PostFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostFamily
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"岗位类别{n}")


class PostNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostName
        django_get_or_create = ("name",)

    family = factory.SubFactory(PostFamilyFactory)
    name = "科员"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    family = factory.SubFactory(PostFamilyFactory)
    topic = factory.SubFactory(TopicModuleFactory)
    requirement = "required"
    every_years = 2
