"""The demo district (Landkreis Lüchow-Dannenberg): real places, fictional people and firms."""

from matcher.demo.loader import ADMIN_EMAIL as ADMIN_EMAIL
from matcher.demo.loader import COORDINATOR_EMAIL as COORDINATOR_EMAIL
from matcher.demo.loader import DEFAULT_SEED as DEFAULT_SEED
from matcher.demo.loader import DemoLogin as DemoLogin
from matcher.demo.loader import DemoSummary as DemoSummary
from matcher.demo.loader import add_people as add_people
from matcher.demo.loader import demo_counts as demo_counts
from matcher.demo.loader import load_demo as load_demo
from matcher.demo.loader import load_gazetteer as load_gazetteer
