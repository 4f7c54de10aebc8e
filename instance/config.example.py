# Copy to instance/config.py and adjust. Environment variables MATCHER_<KEY> override these.
# DATABASE_URL = "postgresql+psycopg://mitfahrnetz:secret@localhost/mitfahrnetz"
# SECRET_KEY = "a long random string"          # generated into instance/secret_key if unset
# TIMEZONE = "Europe/Berlin"
# HOLIDAY_SUBDIVISION = "NI"                    # federal state for public holidays
# TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"   # map tiles; empty = list view only
# GEOCODER = "nominatim"                        # default "offline": gazetteer and confirmed addresses
# NOMINATIM_URL = "https://nominatim.openstreetmap.org/"
# NOMINATIM_USER_AGENT = "mitfahrnetz-landkreis-x/1.0 (koordination@example.org)"
# OSRM_URL = "http://localhost:5001"           # road travel times; empty = geodesic model
# MAIL_HOST = "smtp.example.org"              # outgoing mail; also MAIL_PORT, MAIL_SECURITY
# MAIL_USERNAME = ""                           # (none, starttls or ssl), MAIL_PASSWORD, MAIL_SENDER
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"   # default memory://: one process only;
#                                                     # set it when several workers serve
# TRUSTED_PROXY_HOPS = 1                        # behind one TLS proxy (X-Forwarded-For/-Proto)
# RATELIMIT_REGISTRATIONS_PER_ADDRESS = "60 per hour"  # stored registrations per client address
# RATELIMIT_REGISTRATIONS_PER_CONTACT = "5 per day"    # per phone number and per e-mail address
