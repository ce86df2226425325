from . import bulk
