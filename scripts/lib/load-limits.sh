# Sourced by the load scripts (bench-login, login-steps, scale-login, store-login) before they start
# a server: one generator stands for many clients on one address, so the per-IP and per-phone
# limits are raised out of its way (a server older than a setting ignores it).
export CYBERID_AUTHORIZE_PER_IP_PER_MINUTE=10000000 CYBERID_PAR_PER_IP_PER_MINUTE=10000000 \
  CYBERID_SESSION_STARTS_PER_IP_PER_MINUTE=10000000 CYBERID_SMS_PER_IP_PER_HOUR=10000000 \
  CYBERID_SMS_PER_DOCUMENT_PER_HOUR=10000000 CYBERID_SMS_PER_PHONE_PER_HOUR=1000000 \
  CYBERID_TOKEN_FAILURES_PER_IP_PER_MINUTE=10000000 CYBERID_WALLET_FAILURES_PER_IP_PER_MINUTE=10000000
