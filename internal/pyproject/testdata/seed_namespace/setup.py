from setuptools import setup, find_namespace_packages
setup(
    name="namespace.mypackage",
    version="0.1",
    packages=find_namespace_packages(include=["namespace.*"])
)
