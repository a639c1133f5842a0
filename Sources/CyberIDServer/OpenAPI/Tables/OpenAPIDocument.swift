/// The OpenAPI 3.1 description of the JSON API, served at `GET /openapi.json` (issue 13).
/// Data, not code: kept true by OpenAPIRouteTests (every route documented) and by the schemathesis suite (Tests/api).
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "CyberID",
            "version": "1",
            "summary": "Identity verification with identity-document chips, network numbers and an OpenID Provider.",
            "description": "Every route of `cyberid serve` (docs/http-api.md). Errors are `application/problem+json` (RFC 9457, `urn:cyberid:problem:<code>`) except where an operation answers OAuth errors (`{error, error_description}`, `application/json`). Any other path or method is `404 not-found`. Text holding a NUL character that no earlier check refused is `400 invalid-text` (no text the service stores holds one) — `invalid_request` where the operation answers OAuth errors. Kept true by OpenAPIRouteTests and the schemathesis suite (Tests/api)."
          },
          "servers": [
            {
              "url": "/",
              "description": "The issuer (`CYBERID_ISSUER`)."
            }
          ],
          "tags": [
            {
              "name": "health"
            },
            {
              "name": "keys",
              "description": "Signing keys, CA certificates, CRL, audit checkpoint."
            },
            {
              "name": "network-numbers"
            },
            {
              "name": "enrollment",
              "description": "docs/enrollment.md"
            },
            {
              "name": "openid",
              "description": "docs/relying-parties.md"
            },
            {
              "name": "relying-parties",
              "description": "Platform calls outside the login: re-verification flags (docs/lifecycle.md), in-person verification codes (docs/in-person.md)."
            },
            {
              "name": "wallet",
              "description": "relying-parties.md §5, lifecycle.md, in-person.md"
            },
            {
              "name": "credentials",
              "description": "Offline SD-JWT VC credentials: OpenID4VCI 1.0 issuance (pre-authorized code), issuer keys, Token Status Lists (docs/credentials.md)."
            }
          ],
          "paths": {
            "/health": {
              "get": {
                "operationId": "getHealth",
                "summary": "The process is alive (no dependency checked).",
                "tags": [
                  "health"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "Alive.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Status"
                            }
                          ],
                          "properties": {
                            "status": {
                              "const": "ok"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/ready": {
              "get": {
                "operationId": "getReady",
                "summary": "The store answers and a signing key is loaded.",
                "tags": [
                  "health"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "Ready.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Status"
                            }
                          ],
                          "properties": {
                            "status": {
                              "const": "ready"
                            }
                          }
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "`not-ready`: the data store does not answer, or no signing key is loaded.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "getMetrics",
                "summary": "Prometheus text exposition (only when no separate metrics listener is configured).",
                "tags": [
                  "health"
                ],
                "description": "Served by the main listener unless `CYBERID_METRICS_PORT` moves it to its own listener.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "Prometheus text format 0.0.4.",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/openapi.json": {
              "get": {
                "operationId": "getOpenAPIDocument",
                "summary": "This document.",
                "tags": [
                  "health"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "openapi",
                            "paths"
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/jwks.json": {
              "get": {
                "operationId": "getJWKS",
                "summary": "The ES256 public keys of ID tokens (active first, then retired keys still published).",
                "tags": [
                  "keys"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "A JWK set.",
                    "content": {
                      "application/jwk-set+json": {
                        "schema": {
                          "$ref": "#/components/schemas/JWKSet"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/audit/checkpoint": {
              "get": {
                "operationId": "getAuditCheckpoint",
                "summary": "The newest signed checkpoint of the audit log.",
                "tags": [
                  "keys"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The checkpoint.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/AuditCheckpoint"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`no-checkpoint`: the audit log has no signed checkpoint yet.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/pki/root.pem": {
              "get": {
                "operationId": "getRootCertificate",
                "summary": "The CyberID root CA certificate.",
                "tags": [
                  "keys"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "PEM.",
                    "content": {
                      "application/x-pem-file": {
                        "schema": {
                          "type": "string",
                          "contentMediaType": "application/x-pem-file"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/pki/issuing.pem": {
              "get": {
                "operationId": "getIssuingCertificate",
                "summary": "The CyberID issuing CA certificate.",
                "tags": [
                  "keys"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "PEM.",
                    "content": {
                      "application/x-pem-file": {
                        "schema": {
                          "type": "string",
                          "contentMediaType": "application/x-pem-file"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/pki/issuing.crl": {
              "get": {
                "operationId": "getIssuingCRL",
                "summary": "The issuing CA's CRL of network certificates.",
                "tags": [
                  "keys"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "DER.",
                    "content": {
                      "application/pkix-crl": {
                        "schema": {
                          "type": "string",
                          "contentMediaType": "application/pkix-crl"
                        }
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/v1/network-numbers/check": {
              "post": {
                "operationId": "checkNetworkNumber",
                "summary": "Checks a typed network number's format and check character.",
                "tags": [
                  "network-numbers"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/NetworkNumberCheckRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "Valid; its display and canonical forms. Nothing is looked up.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/NetworkNumberCheckResponse"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request` (not this JSON), `invalid-length`, `invalid-character`, `check-character-mismatch`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  }
                }
              }
            },
            "/enrollment/v1/sessions": {
              "post": {
                "operationId": "startEnrollmentSession",
                "summary": "Starts an enrollment (or replacement, phone or document change, password reset) session.",
                "tags": [
                  "enrollment"
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/EnrollmentStartRequest"
                      }
                    }
                  },
                  "description": "Empty, or this JSON."
                },
                "security": [],
                "responses": {
                  "201": {
                    "description": "The session.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EnrollmentStarted"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    },
                    "links": {
                      "presentDocument": {
                        "operationId": "presentDocument",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: the document chip."
                      },
                      "approveAsGuardian": {
                        "operationId": "approveAsGuardian",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: a guardian's approval (a minor's session)."
                      },
                      "sendPhoneCode": {
                        "operationId": "sendPhoneCode",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: the phone code sent."
                      },
                      "confirmPhone": {
                        "operationId": "confirmPhone",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: the phone code confirmed."
                      },
                      "submitFace": {
                        "operationId": "submitFace",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: the face check."
                      },
                      "completeEnrollment": {
                        "operationId": "completeEnrollment",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: the certificate issued."
                      },
                      "resetPassword": {
                        "operationId": "resetPassword",
                        "parameters": {
                          "id": "$response.body#/session_id"
                        },
                        "description": "A step of this session: a password reset's new password."
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: not this JSON, an unknown purpose, `wallet` missing for (or given without) a phone or document change or a password reset.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "description": "`invalid-wallet-signature`: the guardian's or holder's JWS.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "`guardian-not-adult`, `person-not-active` (a change by a holder who is not active).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "429": {
                    "description": "`session-start-rate-limited`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/document": {
              "post": {
                "operationId": "presentDocument",
                "summary": "Presents the identity document's chip.",
                "tags": [
                  "enrollment"
                ],
                "description": "`session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`), `conflict` (409: the session changed meanwhile, retry).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/ChipDocument"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "Verified: `document_verified` (next `phone`) or `awaiting_guardian` (next `guardian`).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EnrollmentStep"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, a missing or mistyped field, not this JSON, or a binary field that is not base64url. `unparseable-document`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "`guardian-required`; replacement or change: `document-mismatch`, `guardian-mismatch`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`session-not-found`; replacement or change: `not-enrolled`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step`, `conflict`, `already-enrolled`, `possible-duplicate`, `document-unchanged`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "`invalid-mrz`, `unsupported-algorithm`, `untrusted-csca`, `bad-dsc-signature`, `dsc-expired`, `dsc-revoked`, `dg-hash-mismatch`, `document-expired`, `active-authentication-failed`, `issuing-state-mismatch`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/guardian-approval": {
              "post": {
                "operationId": "approveAsGuardian",
                "summary": "A guardian approves a 14–17-year-old's session.",
                "tags": [
                  "enrollment"
                ],
                "description": "`session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`), `conflict` (409: the session changed meanwhile, retry).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/GuardianApprovalRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "`document_verified`, next `phone`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EnrollmentStep"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, a missing or mistyped field, not this JSON, or a binary field that is not base64url.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "description": "`invalid-wallet-signature`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "`guardian-not-adult`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`session-not-found`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step` (the current state in `detail`), `conflict` (retry).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/phone": {
              "post": {
                "operationId": "sendPhoneCode",
                "summary": "Sends a six-digit code to the phone.",
                "tags": [
                  "enrollment"
                ],
                "description": "`session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`), `conflict` (409: the session changed meanwhile, retry).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PhoneRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "202": {
                    "description": "`phone_code_sent` with `code_expires_at`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EnrollmentStep"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, a missing or mistyped field, not this JSON, or a binary field that is not base64url. `invalid-phone`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "Replacement, document change, password reset: `phone-mismatch` (not the bound phone; counts as a wrong code).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`session-not-found`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step`, `conflict`; phone change: `same-phone`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "description": "`too-many-codes`, `phone-rate-limited`, `code-send-rate-limited`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/phone/confirm": {
              "post": {
                "operationId": "confirmPhone",
                "summary": "Confirms the phone with the code.",
                "tags": [
                  "enrollment"
                ],
                "description": "`session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`), `conflict` (409: the session changed meanwhile, retry).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CodeRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "`phone_confirmed`, next `face`, `complete`, or `password` (a password-reset session without a face matcher).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EnrollmentStep"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, a missing or mistyped field, not this JSON, or a binary field that is not base64url. `code-expired`, `wrong-code` (attempts left in `detail`).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`session-not-found`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step` (the current state in `detail`), `conflict` (retry).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/face": {
              "post": {
                "operationId": "submitFace",
                "summary": "The face check (only with a configured matcher).",
                "tags": [
                  "enrollment"
                ],
                "description": "`session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`), `conflict` (409: the session changed meanwhile, retry).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/FaceRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "`face_matched`, next `complete` (`password` for a password-reset session).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EnrollmentStep"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, a missing or mistyped field, not this JSON, or a binary field that is not base64url. Also: the document had no DG2.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "`face-mismatch`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`no-face-matcher` (checked first: the service has none, skip the step), `session-not-found`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step` (the current state in `detail`), `conflict` (retry).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/complete": {
              "post": {
                "operationId": "completeEnrollment",
                "summary": "Issues the network number and certificate.",
                "tags": [
                  "enrollment"
                ],
                "description": "`session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`), `conflict` (409: the session changed meanwhile, retry).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CsrRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "201": {
                    "description": "The certificate; a repeated call on a completed session replays the same answer.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CertificateIssued"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, a missing or mistyped field, not this JSON, or a binary field that is not base64url. `invalid-csr`. `malformed-request` also for a `password-reset` session (it ends at `…/password`).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "Replacement: `phone-mismatch` (a phone change completed meanwhile).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`session-not-found`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step`, `conflict`, `already-enrolled`, `possible-duplicate`; replacement or change: `number-cancelled`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/enrollment/v1/sessions/{id}/password": {
              "post": {
                "operationId": "resetPassword",
                "summary": "Ends a password-reset session with the new network-identity password.",
                "tags": [
                  "enrollment"
                ],
                "description": "The session (purpose `password-reset`, started with the holder's wallet JWS) must have proved the holder: the document's chip, a code to the bound phone, and the face where a matcher is configured (state `phone_confirmed`, or `face_matched` with a matcher). A weak password is refused first (the session stays open). Then the session is spent — completed by a compare-and-set on its version, so of two requests at once one wins and the other gets `conflict` — and only then does the new password replace the old one, with the tries and the lock cleared: one proof sets one password. `session-not-found` (404), `session-expired` (410), `session-locked` (423), `wrong-step` (409, the current state in `detail`; also a completed session), `conflict` (409: another request spent the session).",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/SessionId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PasswordResetRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "Reset and unlocked; in the history.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PasswordReset"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: an empty body, `password` missing or mistyped, not this JSON, or a session of another purpose.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`session-not-found`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`wrong-step` (the current state in `detail`; also once the session is spent), `conflict` (another request spent the session at the same moment).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`session-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "`weak-password`: the reason in `detail`; checked before the session is spent, so it stays open for another password.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "423": {
                    "description": "`session-locked`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/.well-known/openid-configuration": {
              "get": {
                "operationId": "getProviderMetadata",
                "summary": "OpenID Connect discovery metadata.",
                "tags": [
                  "openid"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The metadata.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ProviderMetadata"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/.well-known/oauth-authorization-server": {
              "get": {
                "operationId": "getAuthorizationServerMetadata",
                "summary": "RFC 8414 authorization server metadata: the same document as `/.well-known/openid-configuration` (where OpenID4VCI wallets look for the token endpoint).",
                "tags": [
                  "openid",
                  "credentials"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The metadata.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ProviderMetadata"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "description": "`max-age=300`.",
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/authorize": {
              "get": {
                "operationId": "authorize",
                "summary": "The authorization endpoint: answers the login page.",
                "tags": [
                  "openid"
                ],
                "parameters": [
                  {
                    "name": "response_type",
                    "in": "query",
                    "schema": {
                      "const": "code"
                    }
                  },
                  {
                    "name": "client_id",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    },
                    "required": true
                  },
                  {
                    "name": "redirect_uri",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    },
                    "description": "Compared exactly with the registered ones."
                  },
                  {
                    "name": "scope",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "Space-separated; must include `openid` (`openid`, `age`, `realname`, `network_number`)."
                  },
                  {
                    "name": "state",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "maxLength": 1024
                    }
                  },
                  {
                    "name": "nonce",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "maxLength": 512
                    }
                  },
                  {
                    "name": "code_challenge",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-]{43}$"
                    }
                  },
                  {
                    "name": "code_challenge_method",
                    "in": "query",
                    "schema": {
                      "const": "S256"
                    }
                  },
                  {
                    "name": "prompt",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "`login`, `consent`, `select_account`; `none` is answered `login_required`."
                  },
                  {
                    "name": "max_age",
                    "in": "query",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "acr_values",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "Space-separated eIDAS levels `http://eidas.europa.eu/LoA/low|substantial|high` and authentication modes `urn:cyberid:mode:R01` … `R04` (docs/relying-parties.md §4b). The first mode URI listed is the one asked for, joined with the platform's registered mode (a minimum: a request raises it, never lowers it); a first mode URI that is not one of the four is refused with `invalid_request`."
                  },
                  {
                    "name": "response_mode",
                    "in": "query",
                    "schema": {
                      "const": "query"
                    }
                  },
                  {
                    "name": "request_uri",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "A `urn:ietf:params:oauth:request_uri:…` from `/par` (with `client_id` only)."
                  },
                  {
                    "name": "request",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "Not supported (`request_not_supported`)."
                  }
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The login page: QR code, match number, same-device link. Sets the `cyberid_login` cookie.",
                    "headers": {
                      "Set-Cookie": {
                        "description": "`cyberid_login=…; Path=/authorize; HttpOnly; SameSite=Lax; Max-Age=…`",
                        "required": true,
                        "schema": {
                          "type": "string"
                        }
                      },
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Content-Security-Policy": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    },
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "303": {
                    "description": "To the redirect URI with `error`, `error_description`, `state`, `iss` (once the client and redirect URI are known to be good), e.g. `invalid_request` for an unknown authentication mode in `acr_values`.",
                    "headers": {
                      "Location": {
                        "$ref": "#/components/headers/Location"
                      },
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "Problem `invalid-authorization-request` (never redirected: `client_id` missing, unknown or disabled; `redirect_uri` missing or not registered; a `request_uri` another client pushed); OAuth `invalid_request` for a badly encoded query or form, or a parameter repeated with different values.",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    },
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      },
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    }
                  },
                  "429": {
                    "description": "`authorize-rate-limited`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              },
              "post": {
                "operationId": "authorizeWithForm",
                "summary": "The authorization endpoint, with a form body.",
                "tags": [
                  "openid"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/AuthorizationRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "The login page: QR code, match number, same-device link. Sets the `cyberid_login` cookie.",
                    "headers": {
                      "Set-Cookie": {
                        "description": "`cyberid_login=…; Path=/authorize; HttpOnly; SameSite=Lax; Max-Age=…`",
                        "required": true,
                        "schema": {
                          "type": "string"
                        }
                      },
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Content-Security-Policy": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    },
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "303": {
                    "description": "To the redirect URI with `error`, `error_description`, `state`, `iss` (once the client and redirect URI are known to be good), e.g. `invalid_request` for an unknown authentication mode in `acr_values`.",
                    "headers": {
                      "Location": {
                        "$ref": "#/components/headers/Location"
                      },
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "Problem `invalid-authorization-request` (never redirected: `client_id` missing, unknown or disabled; `redirect_uri` missing or not registered; a `request_uri` another client pushed); OAuth `invalid_request` for a badly encoded query or form, or a parameter repeated with different values.",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    },
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      },
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "429": {
                    "description": "`authorize-rate-limited`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/authorize/status": {
              "get": {
                "operationId": "getLoginStatus",
                "summary": "Where the page's login stands (the page polls it).",
                "tags": [
                  "openid"
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/LoginRequestToken"
                  },
                  {
                    "name": "qr_image",
                    "in": "query",
                    "required": false,
                    "description": "`svg`: while pending, also the QR code's current image (`qr_image`), so one request a second serves the page.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "svg"
                      ]
                    }
                  },
                  {
                    "name": "qr_step",
                    "in": "query",
                    "required": false,
                    "description": "The `qr_step` of the code the page shows (from an earlier answer): with `qr_image=svg`, the image is left out while the current code is that one — a new code comes every few seconds (`CYBERID_QR_STEP_SECONDS`).",
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9]{1,7}$"
                    }
                  },
                  {
                    "name": "wait",
                    "in": "query",
                    "required": false,
                    "description": "`1`, with `qr_step`: while the login is pending and the code of `qr_step` is the current one, the answer waits until there is news — the next code (at most `CYBERID_QR_STEP_SECONDS`, ten seconds), a decision (within a quarter second when it is written through the same node; through another node within about a second: each node reads its held logins once a second), the login's end, or the node's shutdown. A page that shows another code, or sends no `qr_step`, is answered at once.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "1"
                      ]
                    }
                  }
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The status; `qr` and `qr_step` while pending (and `qr_image` when asked for and the page's `qr_step` is not the current one), `same_device` when approved, `reason` when refused. With `wait=1`, when there is news for the page's code.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/LoginProgress"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/InvalidLoginTicket"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/authorize/qr": {
              "get": {
                "operationId": "getLoginQRCode",
                "summary": "The animated QR code's current image.",
                "tags": [
                  "openid"
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/LoginRequestToken"
                  }
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "SVG.",
                    "content": {
                      "image/svg+xml": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/InvalidLoginTicket"
                  },
                  "410": {
                    "description": "`login-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/authorize/continue": {
              "get": {
                "operationId": "continueLogin",
                "summary": "Continues a decided login in the browser that started it.",
                "tags": [
                  "openid"
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/LoginRequestToken"
                  },
                  {
                    "name": "response_code",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "The same-device return URL's one-time code."
                  }
                ],
                "security": [
                  {
                    "loginCookie": []
                  },
                  {}
                ],
                "responses": {
                  "303": {
                    "description": "To the redirect URI with `code`, `state`, `iss`; or with `error` (`access_denied`, `unmet_authentication_requirements`, …) when declined, refused or expired.",
                    "headers": {
                      "Location": {
                        "$ref": "#/components/headers/Location"
                      },
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/InvalidLoginTicket"
                  },
                  "403": {
                    "description": "`login-not-in-this-browser` (cookie missing or foreign), `response-code-required`, `invalid-response-code`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`login-pending` (the wallet has not answered yet), `login-already-decided`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/par": {
              "post": {
                "operationId": "pushAuthorizationRequest",
                "summary": "Pushed authorization request (RFC 9126).",
                "tags": [
                  "openid"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/PushedAuthorizationRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "clientSecretBasic": []
                  },
                  {}
                ],
                "responses": {
                  "201": {
                    "description": "The request URI.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PushedAuthorizationResponse"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid_request` (`redirect_uri` missing or not registered, `request_uri` present, two authentication methods, a badly encoded form, an unknown authentication mode in `acr_values`); the authorization checks' codes (`invalid_scope`, `unsupported_response_type`, `request_not_supported`, `login_required`).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/ClientUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "429": {
                    "description": "`temporarily_unavailable`: too many pushed requests from this address.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/token": {
              "post": {
                "operationId": "exchangeCode",
                "summary": "Exchanges an authorization code (with PKCE) for an ID token and an access token, or a credential offer's pre-authorized code for a credential access token.",
                "tags": [
                  "openid"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "oneOf": [
                          {
                            "$ref": "#/components/schemas/TokenRequest"
                          },
                          {
                            "$ref": "#/components/schemas/PreAuthorizedTokenRequest"
                          }
                        ]
                      }
                    }
                  }
                },
                "security": [
                  {
                    "clientSecretBasic": []
                  },
                  {}
                ],
                "responses": {
                  "200": {
                    "description": "The tokens (the pre-authorized code grant: an access token only).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "oneOf": [
                            {
                              "$ref": "#/components/schemas/TokenResponse"
                            },
                            {
                              "$ref": "#/components/schemas/PreAuthorizedTokenResponse"
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid_request` (`grant_type` missing, two authentication methods, `client_id` differing from the authenticated one, a badly encoded form; a pre-authorized code missing or over 256 bytes, a `tx_code`), `unsupported_grant_type`, `invalid_grant` (a pre-authorized code unknown, expired or already used).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/ClientUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "429": {
                    "description": "`temporarily_unavailable`: too many failed token requests from this address.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                },
                "description": "`grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code` (OpenID4VCI) takes no client authentication; any sent is ignored."
              }
            },
            "/userinfo": {
              "get": {
                "operationId": "getUserInfo",
                "summary": "The claims of an access token.",
                "tags": [
                  "openid"
                ],
                "security": [
                  {
                    "accessToken": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The released claims.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/UserInfo"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid_grant`: the person's record is no longer available; `invalid_request`: a badly encoded form.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "description": "`invalid_token`: missing, unknown, expired or revoked token, disabled client.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "WWW-Authenticate": {
                        "$ref": "#/components/headers/WWWAuthenticate"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              },
              "post": {
                "operationId": "postUserInfo",
                "summary": "The claims of an access token (header, or the form field `access_token`).",
                "tags": [
                  "openid"
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/UserInfoForm"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "accessToken": []
                  },
                  {}
                ],
                "responses": {
                  "200": {
                    "description": "The released claims.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/UserInfo"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid_grant`: the person's record is no longer available; `invalid_request`: a badly encoded form.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "description": "`invalid_token`: missing, unknown, expired or revoked token, disabled client.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "WWW-Authenticate": {
                        "$ref": "#/components/headers/WWWAuthenticate"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "description": "`unsupported-media-type`: no bearer header and a body that is not a form.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/revoke": {
              "post": {
                "operationId": "revokeToken",
                "summary": "Revokes the grant behind an access token (RFC 7009).",
                "tags": [
                  "openid"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/RevocationRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "clientSecretBasic": []
                  },
                  {}
                ],
                "responses": {
                  "200": {
                    "description": "Revoked, or unknown (RFC 7009 §2.2). No body.",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid_request` (`token` missing, a badly encoded form), `unsupported_token_type`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/ClientUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/rp/v1/reverifications": {
              "post": {
                "operationId": "flagForReverification",
                "summary": "A platform flags its user for re-verification.",
                "tags": [
                  "relying-parties"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/ReverificationRequest"
                      }
                    },
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/ReverificationRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "clientSecretBasic": []
                  },
                  {}
                ],
                "responses": {
                  "202": {
                    "description": "Flagged.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ReverificationAccepted"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "OAuth `invalid_request` (`sub` missing, `reason` missing, empty, too long or holding a control character, a badly encoded form); problem `malformed-request` (a JSON body that is not a JSON object).",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      },
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/ClientUnauthorized"
                  },
                  "404": {
                    "description": "`unknown-subject`: no person behind this `sub` for this client.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "description": "`unsupported-media-type`: neither a form nor JSON.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/rp/v1/codes/verify": {
              "post": {
                "operationId": "verifyInPersonCode",
                "summary": "A registered platform verifies a person's in-person code, once.",
                "tags": [
                  "relying-parties"
                ],
                "description": "Client authentication as at `/token`. The answer names the person by this platform's pairwise `sub` and carries what the person chose to disclose, within what the platform is registered for (`age` needs the `age` scope; `name` the `realname` scope and a legal basis); the person's history records the verification with the platform, and a refused first use (docs/in-person.md).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/CodeVerificationRequest"
                      }
                    },
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CodeVerificationRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "clientSecretBasic": []
                  },
                  {}
                ],
                "responses": {
                  "200": {
                    "description": "Verified; the code is used up.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CodeVerification"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "OAuth `invalid_request` (`code` missing or empty, two authentication methods, a badly encoded form); problem `malformed-request` (a JSON body that is not a JSON object).",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      },
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/ClientUnauthorized"
                  },
                  "403": {
                    "description": "`person-not-active`: the person is no longer active, or the certificate that made the code was revoked (`detail`: \"in-person verification is refused while the network number is …\"). `reverification-required`: this platform flagged the person for re-verification, or its re-verification interval has passed. Either way the code is used up and the refusal is in the person's history. `authentication-mode-not-met`: the platform is registered for mode R02–R04 (the password or the face), which a code — made with the wallet's key alone — does not prove; the code is not used.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`unknown-code`: no such code (also text that is not a code, and a code purged an hour after it expired).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`code-used`: the code was verified already (by this platform or another; the first use is in the person's history, this refusal is not).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`code-expired`: past its lifetime (`CYBERID_CODE_TTL_SECONDS`, 60 s by default).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "415": {
                    "description": "`unsupported-media-type`: neither a form nor JSON.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "description": "`code-failure-rate-limited`: too many refused verifications from this address (`CYBERID_CODE_FAILURES_PER_IP_PER_MINUTE`, default 30).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/login": {
              "get": {
                "operationId": "getWalletLoginView",
                "summary": "What the wallet shows before the person decides.",
                "tags": [
                  "wallet"
                ],
                "parameters": [
                  {
                    "name": "t",
                    "in": "query",
                    "required": true,
                    "description": "The wallet URI's ticket.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "qt",
                    "in": "query",
                    "description": "A scanned QR code's time step (one to seven digits, as the page's `qr_step`).",
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9]{1,7}$"
                    }
                  },
                  {
                    "name": "qa",
                    "in": "query",
                    "description": "A scanned QR code's authenticator.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The login transaction; a scanned QR code adds `match_choices` and `scan`; a platform's authentication mode adds `mode` and `requires`. For `t` alone (same-device) these are the bytes the login page's same-device link carries in `v` (base64url): a wallet that shows the link's view need not ask. The approval of a same-device view signs `\"view\": base64url(SHA-256(bytes))`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/WalletLoginView"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "Problem `invalid-login-ticket` (`t` missing or not made by this service, a wrong or incomplete `qt`/`qa`); OAuth `invalid_request` for a badly encoded query.",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    },
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      },
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "`unknown-client`: the platform is disabled or gone.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`login-expired`, `qr-code-expired` (a QR code more than 30 s old).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              },
              "post": {
                "operationId": "decideLogin",
                "summary": "The wallet approves or declines a login.",
                "tags": [
                  "wallet"
                ],
                "description": "Authenticated by the approval JWS in the body (purpose `login`), not by a header.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/WalletDecisionRequest"
                      }
                    }
                  }
                },
                "security": [],
                "responses": {
                  "200": {
                    "description": "The decision; a same-device approval adds `response_code` and `return_url`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/WalletDecision"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request` (not this JSON, a binary field not base64url), `invalid-login-ticket` (also a `request` of another login), `match-number-required`, `password-required` (the mode asks for the password: the login stays open), `login-view-required` (a same-device approval without `view` where the service requires it, `CYBERID_REQUIRE_LOGIN_VIEW`: the login stays open).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "description": "`invalid-wallet-signature` (also a `view` beside a `scan`).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "403": {
                    "description": "`wrong-match-number` (the login is ended), `person-not-active`, `assurance-level-too-low`, `reverification-required`, `face-check-required`, `face-mismatch`, `document-required`, `document-mismatch`, `wrong-password` (the tries left in `detail`; the login stays open).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`unknown-client` (the platform is no longer registered; for an approval with a `view`, also one disabled since the page).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`login-view-mismatch` (the approval's `view` is not the digest of the service's view of the ticket: a link another app wrote, or a platform renamed since the page; nothing is decided), `login-already-decided`, `face-reference-missing`, `password-not-set`, `mode-unavailable` (a face mode on a service without a face matcher); the last three end the login (`unmet_authentication_requirements` to the platform).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "410": {
                    "description": "`login-expired`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "The re-presented document's codes (`active-authentication-failed`, `document-expired`, …).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "423": {
                    "description": "`password-locked`: five wrong entries locked the password until a reset with the chip and the bound phone; the login is ended (`unmet_authentication_requirements` to the platform).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "description": "`wrong-match-number-rate-limited`: this person's wallet picked as many wrong numbers as the limit allows an hour (`CYBERID_WRONG_MATCH_NUMBERS_PER_HOUR`, 3 by default), so no cross-device approval until `Retry-After` (up to 80 minutes; the login stays open, a same-device approval still works); `wallet-failure-rate-limited`: too many failed wallet requests from this address.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "description": "`face-matcher-unavailable`, `document-check-unavailable`, `store-unavailable`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/wallet/v1/consents": {
              "get": {
                "operationId": "listConsents",
                "summary": "The holder's remembered consents.",
                "tags": [
                  "wallet"
                ],
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The consents.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Consent"
                          }
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/WalletHolderSuspended"
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/consents/{client}": {
              "delete": {
                "operationId": "withdrawConsent",
                "summary": "Withdraws the consent given to a platform.",
                "tags": [
                  "wallet"
                ],
                "description": "The JWS's `htu` is this path with the client id as sent.",
                "parameters": [
                  {
                    "name": "client",
                    "in": "path",
                    "required": true,
                    "description": "The platform's client id.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Withdrawn (and recorded in the history).",
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/WalletHolderSuspended"
                  },
                  "404": {
                    "description": "`unknown-client`: no consent for that client.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/history": {
              "get": {
                "operationId": "getHistory",
                "summary": "The holder's history, newest first (at most 100 entries).",
                "tags": [
                  "wallet"
                ],
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The history.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/History"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/WalletHolderSuspended"
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/lifecycle": {
              "post": {
                "operationId": "applyLifecycleEvent",
                "summary": "The holder suspends, resumes or cancels their number.",
                "tags": [
                  "wallet"
                ],
                "description": "`bdh` binds the body; a cancel, and the holder's own resume, need `document` and `chip_challenge` (the chip answering the first 8 bytes of SHA-256(\"cyberid cancel v2\" ‖ 0x00 ‖ chip_challenge ‖ 0x00 ‖ jti)). A suspended holder's wallet can make this request and no other.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/LifecycleRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The transition.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/LifecycleAnswer"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request` (another event, not this JSON, a binary field not base64url), `reason-required`, `invalid-reason` (more than 500 characters, or a control character); `chip-challenge-required`, `invalid-chip-challenge` (a `document` without a fresh `chip_challenge` of this holder's).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`actor-not-allowed` (e.g. resuming an administrator's suspension), `document-required` (a cancel, or the holder's own resume, without `document`), `document-mismatch`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`transition-not-allowed`, `conflict` (the state kept changing).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "The cancel's document codes (`active-authentication-failed`, …).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "description": "`document-check-unavailable`, `store-unavailable`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/wallet/v1/chip-challenge": {
              "post": {
                "operationId": "getChipChallenge",
                "summary": "A fresh challenge for the chip of the holder's next cancel, resume or late first password.",
                "tags": [
                  "wallet"
                ],
                "description": "`bdh` binds the body when there is one (none is needed). The answer's `chip_challenge` goes into the chip-proved request's body; the chip signs the first 8 bytes of SHA-256(purpose ‖ 0x00 ‖ chip_challenge ‖ 0x00 ‖ jti), purpose `cyberid cancel v2` (lifecycle) or `cyberid password v2` (password), `jti` that request's own. Valid 2 minutes, for this holder only. A suspended holder's wallet may ask (a resume needs it).",
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "201": {
                    "description": "The challenge.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ChipChallenge"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/renewal": {
              "post": {
                "operationId": "renewCertificate",
                "summary": "Renews the holder's certificate for a new key.",
                "tags": [
                  "wallet"
                ],
                "description": "`bdh` binds the body. A renewal whose answer was lost is asked for again with the same CSR key, signed by the certificate it revoked: the service answers 201 with the certificate it issued (within 30 days, while that certificate is the person's valid one); a revoked certificate gets nothing else (401 invalid-wallet-signature).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RenewalRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "201": {
                    "description": "The new certificate; every other certificate of the person is revoked.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CertificateIssued"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`, `invalid-csr`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`person-not-active` (among others: the number is suspended).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`not-found`: the record or number is no longer available.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "`document-expired`: the document expires within a day.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/wards/{number}/lifecycle": {
              "post": {
                "operationId": "applyWardLifecycleEvent",
                "summary": "A guardian suspends or resumes their ward's number.",
                "tags": [
                  "wallet"
                ],
                "parameters": [
                  {
                    "name": "number",
                    "in": "path",
                    "required": true,
                    "description": "The ward's network number, as the JWS's `htu` names it.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/WardLifecycleRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The transition.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/LifecycleAnswer"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request` (another event, not this JSON, a binary field not base64url), `reason-required`, `invalid-reason` (more than 500 characters, or a control character).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`not-guardian`, `guardianship-ended` (the ward is 18), `actor-not-allowed`, `person-not-active` (the guardian's own number is suspended).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`not-found`: no active network number `{number}`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`transition-not-allowed`, `conflict` (the state kept changing).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "The cancel's document codes (`active-authentication-failed`, …).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "description": "`document-check-unavailable`, `store-unavailable`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/wallet/v1/wards/{number}/history": {
              "get": {
                "operationId": "getWardHistory",
                "summary": "A guardian reads their ward's history.",
                "tags": [
                  "wallet"
                ],
                "parameters": [
                  {
                    "name": "number",
                    "in": "path",
                    "required": true,
                    "description": "The ward's network number, as the JWS's `htu` names it.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The ward's history.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/History"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`not-guardian`, `guardianship-ended`, `person-not-active` (the guardian's own number is suspended).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "404": {
                    "description": "`not-found`: no active network number `{number}`.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/wallet/v1/password": {
              "get": {
                "operationId": "getPasswordStatus",
                "summary": "Whether the holder's network-identity password is set, and whether it is locked.",
                "tags": [
                  "wallet"
                ],
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The password's state (never the password or its hash).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PasswordStatus"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/WalletHolderSuspended"
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              },
              "post": {
                "operationId": "setPassword",
                "summary": "Sets the first network-identity password, or changes it with the current one.",
                "tags": [
                  "wallet"
                ],
                "description": "`bdh` binds the body. Only an active number sets or changes its password. The wallet alone sets the first password within 24 hours of enrollment; later the body needs `document` too: the chip of the holder's document answering the first 8 bytes of SHA-256(\"cyberid password v2\" ‖ 0x00 ‖ chip_challenge ‖ 0x00 ‖ jti), `chip_challenge` from `POST /wallet/v1/chip-challenge` and `jti` this request's own (single-use) `jti`. A change checks the new password's strength first (a weak one costs no try), then the current password as a login does: the try is counted before the check, five wrong ones lock the password (a change refused for the lock is in the history as `refused-locked`). A forgotten or locked password is reset with an enrollment session of purpose `password-reset`.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PasswordRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Changed (`{\"status\": \"changed\"}`); in the history.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PasswordChanged"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "201": {
                    "description": "Set (`{\"status\": \"set\"}`); in the history.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PasswordChanged"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`malformed-request`: not this JSON, `password` missing or not a string, a `document` field that is not base64url; `chip-challenge-required`, `invalid-chip-challenge` (a `document` without a fresh `chip_challenge` of this holder's).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`wrong-password`: the current password is wrong (the tries left in `detail`; in the history). `person-not-active`: the number is not active. `document-required`: a first password more than a day after enrollment, without `document`. `document-mismatch`: the chip is not the holder's document on record.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`password-already-set` (a set without `current_password`; also the loser of two first settings at once), `password-not-set` (a change before any set).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "422": {
                    "description": "`weak-password`: the reason in `detail`. With `document`: `active-authentication-failed` (an answer to another challenge) and the other document codes of enrollment (`invalid-mrz`, `untrusted-csca`, `document-expired`, …).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "423": {
                    "description": "`password-locked`: locked after five wrong entries (this one may be the fifth); reset it with the chip and the bound phone.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "429": {
                    "$ref": "#/components/responses/WalletRateLimited"
                  },
                  "503": {
                    "description": "`store-unavailable`: the data store did not answer; `document-check-unavailable`: the service cannot check documents right now. Try again shortly.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/wallet/v1/codes": {
              "post": {
                "operationId": "createInPersonCode",
                "summary": "The holder's wallet makes an in-person verification code (a QR code and a typed form).",
                "tags": [
                  "wallet"
                ],
                "description": "`bdh` binds the body, and with it the choice of what is disclosed. Only an active person gets a code, at most 60 an hour (docs/in-person.md).",
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/InPersonCodeRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "201": {
                    "description": "The code: single use, 60 s by default (`CYBERID_CODE_TTL_SECONDS`).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/InPersonCode"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid-disclosure` (`disclose` lists something other than `age` and `name`), `malformed-request` (not this JSON).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`person-not-active`: codes are made for active network numbers only.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "409": {
                    "description": "`code-used`: three fresh codes in a row collided with stored ones (not expected in practice: 50 random bits).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "429": {
                    "description": "`inperson-code-rate-limited`: this person made 60 codes in the last hour; `wallet-failure-rate-limited`: too many failed wallet requests from this address.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/.well-known/openid-credential-issuer": {
              "get": {
                "operationId": "getCredentialIssuerMetadata",
                "summary": "OpenID4VCI 1.0 credential issuer metadata (one configuration, `verified_person`).",
                "tags": [
                  "credentials"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The metadata.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CredentialIssuerMetadata"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "description": "`max-age=300`.",
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/.well-known/jwt-vc-issuer": {
              "get": {
                "operationId": "getJWTVCIssuerMetadata",
                "summary": "SD-JWT VC issuer metadata: the issuer and its ES256 keys.",
                "tags": [
                  "credentials",
                  "keys"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "`{issuer, jwks}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/JWTVCIssuerMetadata"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "description": "`max-age=300`.",
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/wallet/v1/credential-offer": {
              "post": {
                "operationId": "createCredentialOffer",
                "summary": "The holder's wallet gets a credential offer with a pre-authorized code.",
                "tags": [
                  "wallet",
                  "credentials"
                ],
                "description": "`bdh` binds the body when there is one.",
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CredentialOfferRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "walletSignature": []
                  }
                ],
                "responses": {
                  "201": {
                    "description": "The offer (single-use code, 5 minutes).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CredentialOffer"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/WalletUnauthorized"
                  },
                  "403": {
                    "description": "`person-not-active`: credentials are issued to active network numbers only.",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "429": {
                    "description": "`wallet-failure-rate-limited`: too many failed wallet requests from this address; `credential-offers-per-person-rate-limited`: too many offers for this person (`CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR`, default 20).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/credential/nonce": {
              "post": {
                "operationId": "getCredentialNonce",
                "summary": "A fresh `c_nonce` for proofs (valid 5 minutes; the service keeps no state for it).",
                "tags": [
                  "credentials"
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The nonce.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CredentialNonce"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  }
                }
              }
            },
            "/credential": {
              "post": {
                "operationId": "issueCredentials",
                "summary": "Issues one SD-JWT VC per proof, each bound to the proof's key.",
                "tags": [
                  "credentials"
                ],
                "description": "The access token comes from `/token` (pre-authorized code grant) and is used once, when the request and its proofs are good. Errors are OpenID4VCI's `{error, error_description}`.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CredentialRequest"
                      }
                    }
                  }
                },
                "security": [
                  {
                    "accessToken": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The credentials, in the order of the proofs.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CredentialResponse"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "400": {
                    "description": "`invalid_credential_request` (not a JSON object, `proofs` not `{\"jwt\": [1 to 10 proofs]}`), `unknown_credential_configuration`, `invalid_proof` (malformed, wrong `typ`, `kid` or `x5c`, bad signature, wrong `aud`, stale `iat`, two proofs with one key), `invalid_nonce`.; `credential_request_denied`: the number is not active, its certificate is not valid, or the identity document has expired",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "401": {
                    "description": "`invalid_token`: no bearer token, or one unknown, expired or already used.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OAuthError"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      },
                      "WWW-Authenticate": {
                        "$ref": "#/components/headers/WWWAuthenticate"
                      }
                    }
                  },
                  "413": {
                    "$ref": "#/components/responses/BodyTooLarge"
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            },
            "/status/lists/{list}": {
              "get": {
                "operationId": "getStatusList",
                "summary": "A Token Status List (2 bits per credential: 0 valid, 1 invalid, 2 suspended), signed with the credential keys.",
                "tags": [
                  "credentials"
                ],
                "parameters": [
                  {
                    "name": "list",
                    "in": "path",
                    "required": true,
                    "description": "The list's number, as in a credential's `status.status_list.uri`.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1
                    }
                  }
                ],
                "security": [],
                "responses": {
                  "200": {
                    "description": "The status list token (a JWT, `typ: statuslist+jwt`).",
                    "content": {
                      "application/statuslist+jwt": {
                        "schema": {
                          "type": "string",
                          "contentMediaType": "application/statuslist+jwt"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "description": "`public, max-age=<ttl>` (`CYBERID_STATUS_LIST_TTL`, default 60).",
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "`unknown-status-list`: no list of that number (or not a number).",
                    "content": {
                      "application/problem+json": {
                        "schema": {
                          "$ref": "#/components/schemas/Problem"
                        }
                      }
                    },
                    "headers": {
                      "Cache-Control": {
                        "$ref": "#/components/headers/CacheControl"
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/StoreUnavailable"
                  }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Problem": {
                "type": "object",
                "description": "An RFC 9457 problem (application/problem+json). `type` is the stable `urn:cyberid:problem:<code>`; `detail` never carries personal data.",
                "required": [
                  "type",
                  "title",
                  "status"
                ],
                "properties": {
                  "type": {
                    "type": "string",
                    "pattern": "^urn:cyberid:problem:[a-z0-9-]+$",
                    "examples": [
                      "urn:cyberid:problem:session-not-found"
                    ]
                  },
                  "title": {
                    "type": "string",
                    "minLength": 1
                  },
                  "status": {
                    "type": "integer",
                    "minimum": 400,
                    "maximum": 599
                  },
                  "detail": {
                    "type": "string"
                  }
                },
                "additionalProperties": false
              },
              "OAuthError": {
                "type": "object",
                "description": "An OAuth error (RFC 6749 §5.2, RFC 6750 §3, RFC 9126 §2.3), or an OpenID4VCI 1.0 credential or nonce error (§8.3.1.2).",
                "required": [
                  "error",
                  "error_description"
                ],
                "properties": {
                  "error": {
                    "type": "string",
                    "enum": [
                      "invalid_request",
                      "invalid_client",
                      "invalid_grant",
                      "unauthorized_client",
                      "unsupported_grant_type",
                      "invalid_token",
                      "unsupported_token_type",
                      "invalid_scope",
                      "unsupported_response_type",
                      "request_not_supported",
                      "request_uri_not_supported",
                      "invalid_request_uri",
                      "login_required",
                      "temporarily_unavailable",
                      "invalid_credential_request",
                      "unknown_credential_configuration",
                      "invalid_proof",
                      "invalid_nonce",
                      "credential_request_denied"
                    ]
                  },
                  "error_description": {
                    "type": "string"
                  }
                },
                "additionalProperties": false
              },
              "Status": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "type": "string"
                  }
                },
                "additionalProperties": false
              },
              "NetworkNumberCheckRequest": {
                "type": "object",
                "required": [
                  "network_number"
                ],
                "properties": {
                  "network_number": {
                    "type": "string",
                    "minLength": 17,
                    "description": "As a person types it: 17 symbols, case-insensitive, dashes optional, I/L read as 1, O as 0.",
                    "examples": [
                      "HMGJ-R719-2BGA-4D6S-X"
                    ]
                  }
                }
              },
              "NetworkNumberCheckResponse": {
                "type": "object",
                "required": [
                  "valid",
                  "formatted",
                  "canonical"
                ],
                "properties": {
                  "valid": {
                    "const": true
                  },
                  "formatted": {
                    "type": "string",
                    "pattern": "^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$"
                  },
                  "canonical": {
                    "type": "string",
                    "pattern": "^[0-9A-HJKMNP-TV-Z]{17}$"
                  }
                },
                "additionalProperties": false
              },
              "NetworkNumber": {
                "type": "string",
                "description": "A network number as printed, `XXXX-XXXX-XXXX-XXXX-C`.",
                "pattern": "^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$"
              },
              "Base64URL": {
                "type": "string",
                "pattern": "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$",
                "description": "base64url without padding"
              },
              "CompactJWS": {
                "type": "string",
                "description": "A wallet's compact JWS (`typ: cyberid-wallet+jwt`, ES256, `x5c` = the network certificate).",
                "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
              },
              "EnrollmentStartRequest": {
                "type": "object",
                "properties": {
                  "guardian": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/CompactJWS"
                      }
                    ],
                    "description": "A guardian's JWS (purpose `guardian-start`) for a child under 14."
                  },
                  "purpose": {
                    "type": "string",
                    "enum": [
                      "enroll",
                      "replace",
                      "phone-change",
                      "document-change",
                      "password-reset"
                    ],
                    "default": "enroll"
                  },
                  "wallet": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/CompactJWS"
                      }
                    ],
                    "description": "The holder's JWS (purpose `phone-change`, `document-change` or `password-reset`, the same as `purpose`); required for, and only accepted with, those purposes."
                  }
                },
                "if": {
                  "required": [
                    "purpose"
                  ],
                  "properties": {
                    "purpose": {
                      "enum": [
                        "phone-change",
                        "document-change",
                        "password-reset"
                      ]
                    }
                  }
                },
                "then": {
                  "required": [
                    "wallet"
                  ]
                },
                "else": {
                  "not": {
                    "required": [
                      "wallet"
                    ]
                  }
                }
              },
              "EnrollmentStarted": {
                "type": "object",
                "required": [
                  "session_id",
                  "aa_challenge",
                  "expires_at",
                  "state",
                  "purpose"
                ],
                "properties": {
                  "session_id": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9_-]{22}$",
                    "description": "128 random bits: a bearer secret."
                  },
                  "aa_challenge": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9_-]{11}$",
                    "description": "8 bytes, base64url."
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "state": {
                    "const": "started"
                  },
                  "purpose": {
                    "type": "string",
                    "enum": [
                      "enroll",
                      "replace",
                      "phone-change",
                      "document-change",
                      "password-reset"
                    ]
                  }
                },
                "additionalProperties": false
              },
              "ChipDocument": {
                "type": "object",
                "required": [
                  "dg1",
                  "sod",
                  "aa_signature"
                ],
                "description": "The chip's elementary files as read (base64url) and the active-authentication answer.",
                "properties": {
                  "dg1": {
                    "$ref": "#/components/schemas/Base64URL"
                  },
                  "dg2": {
                    "$ref": "#/components/schemas/Base64URL"
                  },
                  "dg15": {
                    "$ref": "#/components/schemas/Base64URL"
                  },
                  "sod": {
                    "$ref": "#/components/schemas/Base64URL"
                  },
                  "aa_signature": {
                    "$ref": "#/components/schemas/Base64URL"
                  }
                }
              },
              "EnrollmentStep": {
                "type": "object",
                "required": [
                  "state"
                ],
                "properties": {
                  "state": {
                    "type": "string",
                    "enum": [
                      "document_verified",
                      "awaiting_guardian",
                      "phone_code_sent",
                      "phone_confirmed",
                      "face_matched"
                    ]
                  },
                  "next": {
                    "type": "string",
                    "enum": [
                      "phone",
                      "guardian",
                      "face",
                      "complete",
                      "password"
                    ],
                    "description": "The next step; `password` for a password-reset session, which ends at `…/password`."
                  },
                  "age_band": {
                    "type": "string",
                    "enum": [
                      "under_14",
                      "14_17",
                      "18_plus"
                    ]
                  },
                  "document_expires": {
                    "type": "string",
                    "format": "date"
                  },
                  "code_expires_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": false
              },
              "PhoneRequest": {
                "type": "object",
                "required": [
                  "phone"
                ],
                "properties": {
                  "phone": {
                    "type": "string",
                    "pattern": "^\\+[0-9]{8,15}$",
                    "description": "E.164"
                  }
                }
              },
              "CodeRequest": {
                "type": "object",
                "required": [
                  "code"
                ],
                "properties": {
                  "code": {
                    "type": "string",
                    "pattern": "^[0-9]{6}$"
                  }
                }
              },
              "FaceRequest": {
                "type": "object",
                "required": [
                  "image"
                ],
                "properties": {
                  "image": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/Base64URL"
                      }
                    ],
                    "description": "A JPEG, base64url."
                  }
                }
              },
              "CsrRequest": {
                "type": "object",
                "required": [
                  "csr"
                ],
                "properties": {
                  "csr": {
                    "type": "string",
                    "anyOf": [
                      {
                        "pattern": "-----BEGIN"
                      },
                      {
                        "pattern": "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"
                      }
                    ],
                    "description": "A PKCS#10 request for a P-256 key: PEM, or base64url DER."
                  }
                }
              },
              "GuardianApprovalRequest": {
                "type": "object",
                "required": [
                  "approval"
                ],
                "properties": {
                  "approval": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/CompactJWS"
                      }
                    ],
                    "description": "Purpose `guardian-approval`, with `session_id`."
                  }
                }
              },
              "CertificateIssued": {
                "type": "object",
                "required": [
                  "network_number",
                  "assurance_level",
                  "certificate",
                  "chain"
                ],
                "properties": {
                  "network_number": {
                    "$ref": "#/components/schemas/NetworkNumber"
                  },
                  "assurance_level": {
                    "type": "string",
                    "enum": [
                      "low",
                      "substantial",
                      "high"
                    ]
                  },
                  "certificate": {
                    "type": "string",
                    "description": "PEM"
                  },
                  "chain": {
                    "type": "string",
                    "description": "The issuing and root CA certificates, PEM."
                  }
                },
                "additionalProperties": false
              },
              "PasswordResetRequest": {
                "type": "object",
                "required": [
                  "password"
                ],
                "properties": {
                  "password": {
                    "type": "string",
                    "pattern": "^[0-9]{6,32}$",
                    "description": "6 to 32 digits (8 recommended). Weak ones are refused with `weak-password`: one digit repeated, a run (123456, 654321, 890123), a repeated block, a common keypad pattern, the person's birth date."
                  }
                }
              },
              "PasswordReset": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "const": "reset"
                  }
                },
                "additionalProperties": false
              },
              "JWKSet": {
                "type": "object",
                "required": [
                  "keys"
                ],
                "properties": {
                  "keys": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "kty",
                        "crv",
                        "x",
                        "y",
                        "kid",
                        "alg",
                        "use"
                      ],
                      "properties": {
                        "kty": {
                          "const": "EC"
                        },
                        "crv": {
                          "const": "P-256"
                        },
                        "x": {
                          "$ref": "#/components/schemas/Base64URL"
                        },
                        "y": {
                          "$ref": "#/components/schemas/Base64URL"
                        },
                        "kid": {
                          "type": "string"
                        },
                        "alg": {
                          "const": "ES256"
                        },
                        "use": {
                          "const": "sig"
                        }
                      }
                    }
                  }
                }
              },
              "AuditCheckpoint": {
                "type": "object",
                "required": [
                  "seq",
                  "entry_hash",
                  "kid",
                  "signature",
                  "signed_at"
                ],
                "properties": {
                  "seq": {
                    "type": "integer"
                  },
                  "entry_hash": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$"
                  },
                  "kid": {
                    "type": "string"
                  },
                  "signature": {
                    "$ref": "#/components/schemas/Base64URL"
                  },
                  "signed_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": false
              },
              "ProviderMetadata": {
                "type": "object",
                "required": [
                  "issuer",
                  "authorization_endpoint",
                  "token_endpoint",
                  "userinfo_endpoint",
                  "jwks_uri",
                  "pushed_authorization_request_endpoint",
                  "revocation_endpoint",
                  "response_types_supported",
                  "subject_types_supported",
                  "id_token_signing_alg_values_supported"
                ],
                "properties": {
                  "issuer": {
                    "type": "string",
                    "format": "uri"
                  },
                  "authorization_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "token_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "userinfo_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "jwks_uri": {
                    "type": "string",
                    "format": "uri"
                  },
                  "pushed_authorization_request_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "revocation_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "response_types_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "response_modes_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "grant_types_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "subject_types_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "id_token_signing_alg_values_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "token_endpoint_auth_methods_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "token_endpoint_auth_signing_alg_values_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "revocation_endpoint_auth_methods_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "code_challenge_methods_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "scopes_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "claims_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "Includes `acr`, `amr` (RFC 8176: `hwk`, `pin`, `face`) and `cyberid_level` (the person's eIDAS level beside a mode in `acr`)."
                  },
                  "acr_values_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "The eIDAS levels `http://eidas.europa.eu/LoA/low|substantial|high` and the authentication modes `urn:cyberid:mode:R01` … `R04`."
                  },
                  "prompt_values_supported": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "authorization_response_iss_parameter_supported": {
                    "type": "boolean"
                  },
                  "require_pushed_authorization_requests": {
                    "type": "boolean"
                  },
                  "request_parameter_supported": {
                    "type": "boolean"
                  },
                  "request_uri_parameter_supported": {
                    "type": "boolean"
                  },
                  "claims_parameter_supported": {
                    "type": "boolean"
                  },
                  "pre-authorized_grant_anonymous_access_supported": {
                    "type": "boolean",
                    "description": "OpenID4VCI: the pre-authorized code needs no client authentication."
                  }
                },
                "additionalProperties": false
              },
              "AuthorizationRequest": {
                "type": "object",
                "required": [
                  "client_id"
                ],
                "description": "An authorization request (OIDC Core §3.1.2.1 with PKCE), or `client_id` + `request_uri` from `/par`.",
                "properties": {
                  "response_type": {
                    "const": "code"
                  },
                  "client_id": {
                    "type": "string",
                    "minLength": 1
                  },
                  "redirect_uri": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Compared exactly with the registered ones."
                  },
                  "scope": {
                    "type": "string",
                    "description": "Space-separated; must include `openid` (`openid`, `age`, `realname`, `network_number`)."
                  },
                  "state": {
                    "type": "string",
                    "maxLength": 1024
                  },
                  "nonce": {
                    "type": "string",
                    "maxLength": 512
                  },
                  "code_challenge": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9_-]{43}$"
                  },
                  "code_challenge_method": {
                    "const": "S256"
                  },
                  "prompt": {
                    "type": "string",
                    "description": "`login`, `consent`, `select_account`; `none` is answered `login_required`."
                  },
                  "max_age": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "acr_values": {
                    "type": "string",
                    "description": "Space-separated eIDAS levels `http://eidas.europa.eu/LoA/low|substantial|high` and authentication modes `urn:cyberid:mode:R01` … `R04` (docs/relying-parties.md §4b). The first mode URI listed is the one asked for, joined with the platform's registered mode (a minimum: a request raises it, never lowers it); a first mode URI that is not one of the four is refused with `invalid_request`."
                  },
                  "response_mode": {
                    "const": "query"
                  },
                  "request_uri": {
                    "type": "string",
                    "description": "A `urn:ietf:params:oauth:request_uri:…` from `/par` (with `client_id` only)."
                  },
                  "request": {
                    "type": "string",
                    "description": "Not supported (`request_not_supported`)."
                  }
                }
              },
              "PushedAuthorizationRequest": {
                "type": "object",
                "required": [
                  "redirect_uri"
                ],
                "description": "The authorization parameters (not `request_uri`) with the client's authentication.",
                "properties": {
                  "response_type": {
                    "const": "code"
                  },
                  "client_id": {
                    "type": "string",
                    "minLength": 1
                  },
                  "redirect_uri": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Compared exactly with the registered ones."
                  },
                  "scope": {
                    "type": "string",
                    "description": "Space-separated; must include `openid` (`openid`, `age`, `realname`, `network_number`)."
                  },
                  "state": {
                    "type": "string",
                    "maxLength": 1024
                  },
                  "nonce": {
                    "type": "string",
                    "maxLength": 512
                  },
                  "code_challenge": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9_-]{43}$"
                  },
                  "code_challenge_method": {
                    "const": "S256"
                  },
                  "prompt": {
                    "type": "string",
                    "description": "`login`, `consent`, `select_account`; `none` is answered `login_required`."
                  },
                  "max_age": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "acr_values": {
                    "type": "string",
                    "description": "Space-separated eIDAS levels `http://eidas.europa.eu/LoA/low|substantial|high` and authentication modes `urn:cyberid:mode:R01` … `R04` (docs/relying-parties.md §4b). The first mode URI listed is the one asked for, joined with the platform's registered mode (a minimum: a request raises it, never lowers it); a first mode URI that is not one of the four is refused with `invalid_request`."
                  },
                  "response_mode": {
                    "const": "query"
                  },
                  "request": {
                    "type": "string",
                    "description": "Not supported (`request_not_supported`)."
                  },
                  "client_secret": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`client_secret_post`"
                  },
                  "client_assertion_type": {
                    "const": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                  },
                  "client_assertion": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`private_key_jwt`: iss = sub = client_id, aud = the issuer."
                  }
                },
                "dependentRequired": {
                  "client_assertion": [
                    "client_assertion_type"
                  ]
                },
                "not": {
                  "required": [
                    "client_secret",
                    "client_assertion"
                  ]
                }
              },
              "PushedAuthorizationResponse": {
                "type": "object",
                "required": [
                  "request_uri",
                  "expires_in"
                ],
                "properties": {
                  "request_uri": {
                    "type": "string",
                    "pattern": "^urn:ietf:params:oauth:request_uri:"
                  },
                  "expires_in": {
                    "type": "integer",
                    "minimum": 1
                  }
                },
                "additionalProperties": false
              },
              "LoginProgress": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "type": "string",
                    "enum": [
                      "pending",
                      "approved",
                      "denied",
                      "expired"
                    ]
                  },
                  "qr": {
                    "type": "string",
                    "description": "The QR code's current content (while pending)."
                  },
                  "qr_step": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The current code's time step, its `qt` (while pending): the login's age in seconds rounded down to a multiple of `CYBERID_QR_STEP_SECONDS`."
                  },
                  "qr_image": {
                    "type": "string",
                    "pattern": "^data:image/svg\\+xml,<svg [^#]*</svg>$",
                    "description": "The current QR code's image as a data URL: `data:image/svg+xml,` and the SVG with `%` and `#` percent-encoded, its attributes single-quoted (while pending, with qr_image=svg, unless qr_step named the current code)."
                  },
                  "same_device": {
                    "type": "boolean"
                  },
                  "reason": {
                    "type": "string",
                    "description": "Why the login was refused (a problem code)."
                  }
                },
                "additionalProperties": false
              },
              "TokenRequest": {
                "type": "object",
                "required": [
                  "grant_type",
                  "code",
                  "redirect_uri",
                  "code_verifier"
                ],
                "properties": {
                  "grant_type": {
                    "const": "authorization_code"
                  },
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "redirect_uri": {
                    "type": "string",
                    "minLength": 1
                  },
                  "code_verifier": {
                    "type": "string",
                    "minLength": 43,
                    "maxLength": 128
                  },
                  "client_id": {
                    "type": "string",
                    "minLength": 1
                  },
                  "client_secret": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`client_secret_post`"
                  },
                  "client_assertion_type": {
                    "const": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                  },
                  "client_assertion": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`private_key_jwt`: iss = sub = client_id, aud = the issuer."
                  }
                },
                "dependentRequired": {
                  "client_assertion": [
                    "client_assertion_type"
                  ]
                },
                "not": {
                  "required": [
                    "client_secret",
                    "client_assertion"
                  ]
                }
              },
              "TokenResponse": {
                "type": "object",
                "required": [
                  "access_token",
                  "token_type",
                  "expires_in",
                  "id_token",
                  "scope"
                ],
                "properties": {
                  "access_token": {
                    "type": "string"
                  },
                  "token_type": {
                    "const": "Bearer"
                  },
                  "expires_in": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "id_token": {
                    "type": "string"
                  },
                  "scope": {
                    "type": "string"
                  }
                },
                "additionalProperties": false
              },
              "UserInfoForm": {
                "type": "object",
                "properties": {
                  "access_token": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              },
              "UserInfo": {
                "type": "object",
                "required": [
                  "sub",
                  "cyberid_verified",
                  "acr"
                ],
                "properties": {
                  "sub": {
                    "type": "string"
                  },
                  "cyberid_verified": {
                    "const": true
                  },
                  "acr": {
                    "type": "string",
                    "description": "The authentication mode met (`urn:cyberid:mode:R0n`) when the request named a mode or sent no `acr_values` while the platform has a registered mode; otherwise the person's eIDAS level (docs/relying-parties.md §4b)."
                  },
                  "cyberid_level": {
                    "type": "string",
                    "description": "The person's eIDAS level (`http://eidas.europa.eu/LoA/…`), present when `acr` names an authentication mode."
                  },
                  "age_over_14": {
                    "type": "boolean"
                  },
                  "age_over_18": {
                    "type": "boolean"
                  },
                  "name": {
                    "type": "string"
                  },
                  "birthdate": {
                    "type": "string",
                    "format": "date"
                  },
                  "network_number": {
                    "$ref": "#/components/schemas/NetworkNumber"
                  }
                },
                "additionalProperties": false
              },
              "RevocationRequest": {
                "type": "object",
                "required": [
                  "token"
                ],
                "properties": {
                  "token": {
                    "type": "string",
                    "minLength": 1
                  },
                  "token_type_hint": {
                    "type": "string",
                    "enum": [
                      "access_token",
                      "refresh_token"
                    ]
                  },
                  "client_id": {
                    "type": "string",
                    "minLength": 1
                  },
                  "client_secret": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`client_secret_post`"
                  },
                  "client_assertion_type": {
                    "const": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                  },
                  "client_assertion": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`private_key_jwt`: iss = sub = client_id, aud = the issuer."
                  }
                },
                "dependentRequired": {
                  "client_assertion": [
                    "client_assertion_type"
                  ]
                },
                "not": {
                  "required": [
                    "client_secret",
                    "client_assertion"
                  ]
                }
              },
              "ReverificationRequest": {
                "type": "object",
                "required": [
                  "sub",
                  "reason"
                ],
                "description": "In a JSON body only string members are read.",
                "properties": {
                  "sub": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The pairwise subject the platform received."
                  },
                  "reason": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 500,
                    "pattern": "\\S",
                    "description": "Shown to the person (trimmed; not only white space)."
                  },
                  "client_id": {
                    "type": "string",
                    "minLength": 1
                  },
                  "client_secret": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`client_secret_post`"
                  },
                  "client_assertion_type": {
                    "const": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                  },
                  "client_assertion": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`private_key_jwt`: iss = sub = client_id, aud = the issuer."
                  }
                },
                "dependentRequired": {
                  "client_assertion": [
                    "client_assertion_type"
                  ]
                },
                "not": {
                  "required": [
                    "client_secret",
                    "client_assertion"
                  ]
                }
              },
              "ReverificationAccepted": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "const": "reverification-required"
                  }
                },
                "additionalProperties": false
              },
              "CodeVerificationRequest": {
                "type": "object",
                "required": [
                  "code"
                ],
                "description": "In a JSON body only string members are read.",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The typed form (`XXXXX-XXXXX`) or the QR code's content (`CYBERID:XXXXXXXXXX`). Read forgivingly: case, hyphens, spaces and surrounding white space are ignored; I and L read as 1, O as 0. Anything that is not a code is `unknown-code`."
                  },
                  "client_id": {
                    "type": "string",
                    "minLength": 1
                  },
                  "client_secret": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`client_secret_post`"
                  },
                  "client_assertion_type": {
                    "const": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                  },
                  "client_assertion": {
                    "type": "string",
                    "minLength": 1,
                    "description": "`private_key_jwt`: iss = sub = client_id, aud = the issuer."
                  }
                },
                "dependentRequired": {
                  "client_assertion": [
                    "client_assertion_type"
                  ]
                },
                "not": {
                  "required": [
                    "client_secret",
                    "client_assertion"
                  ]
                }
              },
              "CodeVerification": {
                "type": "object",
                "required": [
                  "sub",
                  "verified",
                  "acr",
                  "amr",
                  "verified_at"
                ],
                "properties": {
                  "sub": {
                    "type": "string",
                    "description": "This platform's pairwise identifier of the person: the `sub` of its logins."
                  },
                  "verified": {
                    "const": true
                  },
                  "acr": {
                    "type": "string",
                    "description": "The person's eIDAS level (`http://eidas.europa.eu/LoA/…`)."
                  },
                  "amr": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "RFC 8176: `[\"hwk\"]` (the wallet's key made the code)."
                  },
                  "age_over_14": {
                    "type": "boolean",
                    "description": "Only when the person disclosed `age` and the platform is registered for the `age` scope."
                  },
                  "age_over_18": {
                    "type": "boolean",
                    "description": "Only when the person disclosed `age` and the platform is registered for the `age` scope."
                  },
                  "name": {
                    "type": "string",
                    "description": "Only when the person disclosed `name` and the platform is registered for the `realname` scope with a legal basis."
                  },
                  "birthdate": {
                    "type": "string",
                    "format": "date",
                    "description": "As `name`."
                  },
                  "verified_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": false
              },
              "WalletLoginView": {
                "type": "object",
                "required": [
                  "transaction_id",
                  "nonce",
                  "client_id",
                  "client_name",
                  "scopes",
                  "claims",
                  "prompt",
                  "expires_at",
                  "device",
                  "requested_at",
                  "aa_challenge"
                ],
                "properties": {
                  "transaction_id": {
                    "type": "string"
                  },
                  "nonce": {
                    "type": "string"
                  },
                  "client_id": {
                    "type": "string"
                  },
                  "client_name": {
                    "type": "string"
                  },
                  "scopes": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "claims": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "legal_basis": {
                    "type": "string"
                  },
                  "acr_values": {
                    "type": "string"
                  },
                  "prompt": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "device": {
                    "type": "string",
                    "enum": [
                      "cross-device",
                      "same-device"
                    ]
                  },
                  "requested_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "requested_from": {
                    "type": "string",
                    "description": "The IP address of the browser that started the login."
                  },
                  "match_choices": {
                    "type": "array",
                    "items": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 99
                    },
                    "minItems": 3,
                    "maxItems": 3
                  },
                  "scan": {
                    "type": "string"
                  },
                  "aa_challenge": {
                    "$ref": "#/components/schemas/Base64URL"
                  },
                  "mode": {
                    "type": "string",
                    "enum": [
                      "urn:cyberid:mode:R01",
                      "urn:cyberid:mode:R02",
                      "urn:cyberid:mode:R03",
                      "urn:cyberid:mode:R04"
                    ],
                    "description": "The authentication mode the login must meet: the request's `acr_values` mode joined with the platform's registered mode (every factor of either: R02 registered and R03 asked is R04); absent: none."
                  },
                  "requires": {
                    "type": "array",
                    "items": {
                      "type": "string",
                      "enum": [
                        "password",
                        "face"
                      ]
                    },
                    "description": "What the approval must come with for that mode: `password` (R02, R04: the body's `password`), `face` (R03, R04: `face_image`, its digest signed as the approval's `face`). Present with `mode`; empty for R01."
                  }
                },
                "additionalProperties": false
              },
              "WalletDecisionRequest": {
                "type": "object",
                "required": [
                  "ticket",
                  "approval"
                ],
                "properties": {
                  "ticket": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The `t` of the wallet URI."
                  },
                  "approval": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/CompactJWS"
                      }
                    ],
                    "description": "Purpose `login` (relying-parties.md §5)."
                  },
                  "face_image": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/Base64URL"
                      }
                    ],
                    "description": "A live face image for a re-verification."
                  },
                  "request": {
                    "type": "string",
                    "description": "The same-device link's `r`."
                  },
                  "document": {
                    "$ref": "#/components/schemas/ChipDocument"
                  },
                  "password": {
                    "type": "string",
                    "description": "The network-identity password, when the view's `requires` lists `password` (R02, R04). In the body beside the approval, never in the signed approval; over TLS only."
                  }
                }
              },
              "WalletDecision": {
                "type": "object",
                "required": [
                  "status",
                  "released"
                ],
                "properties": {
                  "status": {
                    "type": "string",
                    "enum": [
                      "approved",
                      "denied"
                    ]
                  },
                  "released": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "response_code": {
                    "type": "string"
                  },
                  "return_url": {
                    "type": "string",
                    "format": "uri"
                  }
                },
                "additionalProperties": false
              },
              "Consent": {
                "type": "object",
                "required": [
                  "client_id",
                  "client_name",
                  "claims",
                  "granted_at"
                ],
                "properties": {
                  "client_id": {
                    "type": "string"
                  },
                  "client_name": {
                    "type": "string"
                  },
                  "claims": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "granted_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": false
              },
              "HistoryEntry": {
                "type": "object",
                "required": [
                  "event",
                  "outcome",
                  "detail",
                  "occurred_at"
                ],
                "properties": {
                  "id": {
                    "type": "integer"
                  },
                  "event": {
                    "type": "string"
                  },
                  "outcome": {
                    "type": "string"
                  },
                  "client_id": {
                    "type": "string"
                  },
                  "client_name": {
                    "type": "string"
                  },
                  "detail": {
                    "type": "object",
                    "description": "Claim names, levels, reasons: never personal data."
                  },
                  "occurred_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": false
              },
              "History": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/HistoryEntry"
                },
                "maxItems": 100,
                "description": "Newest first."
              },
              "LifecycleRequest": {
                "type": "object",
                "required": [
                  "event",
                  "reason"
                ],
                "properties": {
                  "event": {
                    "type": "string",
                    "enum": [
                      "suspend",
                      "resume",
                      "cancel"
                    ]
                  },
                  "reason": {
                    "type": "string",
                    "maxLength": 500,
                    "description": "Why: plain text, trimmed, 1 to 500 characters without control characters (recorded in history and the audit log, never personal data)."
                  },
                  "document": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/ChipDocument"
                      }
                    ],
                    "description": "A cancel's (or the holder's own resume's) fresh proof with the chip, over `chip_challenge`."
                  },
                  "chip_challenge": {
                    "type": "string",
                    "description": "From `POST /wallet/v1/chip-challenge`; needed with `document`."
                  }
                }
              },
              "WardLifecycleRequest": {
                "type": "object",
                "required": [
                  "event",
                  "reason"
                ],
                "properties": {
                  "event": {
                    "type": "string",
                    "enum": [
                      "suspend",
                      "resume"
                    ]
                  },
                  "reason": {
                    "type": "string",
                    "maxLength": 500,
                    "description": "Why: plain text, trimmed, 1 to 500 characters without control characters (recorded in history and the audit log, never personal data)."
                  }
                }
              },
              "LifecycleAnswer": {
                "type": "object",
                "required": [
                  "event",
                  "state"
                ],
                "properties": {
                  "event": {
                    "type": "string",
                    "enum": [
                      "suspend",
                      "resume",
                      "cancel"
                    ]
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "active",
                      "suspended",
                      "restricted",
                      "cancelled"
                    ]
                  }
                },
                "additionalProperties": false
              },
              "RenewalRequest": {
                "type": "object",
                "required": [
                  "csr"
                ],
                "properties": {
                  "csr": {
                    "type": "string",
                    "pattern": "-----BEGIN",
                    "description": "PKCS#10 PEM for the new P-256 key."
                  }
                }
              },
              "PasswordStatus": {
                "type": "object",
                "required": [
                  "set",
                  "locked"
                ],
                "properties": {
                  "set": {
                    "type": "boolean",
                    "description": "Whether a network-identity password is set."
                  },
                  "locked": {
                    "type": "boolean",
                    "description": "Locked after five wrong entries, until a reset with the chip and the bound phone."
                  }
                },
                "additionalProperties": false
              },
              "PasswordRequest": {
                "type": "object",
                "required": [
                  "password"
                ],
                "description": "`password` alone sets the first password; with `current_password` it changes it (the current one is checked like a login's entry: it counts toward the lock). A first password set more than 24 hours after enrollment also needs `document`.",
                "properties": {
                  "password": {
                    "type": "string",
                    "pattern": "^[0-9]{6,32}$",
                    "description": "6 to 32 digits (8 recommended). Weak ones are refused with `weak-password`: one digit repeated, a run (123456, 654321, 890123), a repeated block, a common keypad pattern, the person's birth date."
                  },
                  "current_password": {
                    "type": "string",
                    "description": "The password set now."
                  },
                  "document": {
                    "allOf": [
                      {
                        "$ref": "#/components/schemas/ChipDocument"
                      }
                    ],
                    "description": "The chip of the holder's document on record, its `aa_signature` over the first 8 bytes of SHA-256(\"cyberid password v2\" ‖ 0x00 ‖ chip_challenge ‖ 0x00 ‖ jti) (`jti` of this request's wallet header): needed for a first password more than a day after enrollment."
                  },
                  "chip_challenge": {
                    "type": "string",
                    "description": "From `POST /wallet/v1/chip-challenge`; needed with `document`."
                  }
                }
              },
              "PasswordChanged": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "type": "string",
                    "enum": [
                      "set",
                      "changed"
                    ]
                  }
                },
                "additionalProperties": false
              },
              "InPersonCodeRequest": {
                "type": "object",
                "description": "What the verifier may learn besides the confirmation; no body, `{}` or an empty list: the confirmation only.",
                "properties": {
                  "disclose": {
                    "type": "array",
                    "items": {
                      "type": "string",
                      "enum": [
                        "age",
                        "name"
                      ]
                    },
                    "description": "`age`: `age_over_14`, `age_over_18`. `name`: `name` and `birthdate`, released only to a verifier with a registered legal basis."
                  }
                }
              },
              "InPersonCode": {
                "type": "object",
                "required": [
                  "code",
                  "qr",
                  "disclose",
                  "expires_at"
                ],
                "description": "Single use; lives `CYBERID_CODE_TTL_SECONDS` (60 s by default). Only its HMAC-SHA256 under a key derived from the master key is stored.",
                "properties": {
                  "code": {
                    "type": "string",
                    "pattern": "^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$",
                    "description": "The typed form: ten Crockford base32 symbols (50 random bits)."
                  },
                  "qr": {
                    "type": "string",
                    "pattern": "^CYBERID:[0-9A-HJKMNP-TV-Z]{10}$",
                    "description": "The QR code's content (QR alphanumeric mode)."
                  },
                  "disclose": {
                    "type": "array",
                    "items": {
                      "type": "string",
                      "enum": [
                        "age",
                        "name"
                      ]
                    }
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": false
              },
              "CompactJWT": {
                "type": "string",
                "description": "A compact JWS (three base64url segments).",
                "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
              },
              "CredentialIssuerMetadata": {
                "type": "object",
                "description": "OpenID4VCI 1.0 §12.2 credential issuer metadata.",
                "required": [
                  "credential_issuer",
                  "credential_endpoint",
                  "nonce_endpoint",
                  "batch_credential_issuance",
                  "credential_configurations_supported"
                ],
                "properties": {
                  "credential_issuer": {
                    "type": "string",
                    "format": "uri",
                    "description": "The issuer (`CYBERID_ISSUER`)."
                  },
                  "credential_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "nonce_endpoint": {
                    "type": "string",
                    "format": "uri"
                  },
                  "batch_credential_issuance": {
                    "type": "object",
                    "required": [
                      "batch_size"
                    ],
                    "properties": {
                      "batch_size": {
                        "type": "integer",
                        "minimum": 2
                      }
                    },
                    "additionalProperties": false
                  },
                  "display": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/CredentialDisplay"
                    }
                  },
                  "credential_configurations_supported": {
                    "type": "object",
                    "required": [
                      "verified_person"
                    ],
                    "additionalProperties": {
                      "$ref": "#/components/schemas/CredentialConfiguration"
                    }
                  }
                },
                "additionalProperties": false
              },
              "CredentialDisplay": {
                "type": "object",
                "required": [
                  "name"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "locale": {
                    "type": "string"
                  }
                }
              },
              "CredentialConfiguration": {
                "type": "object",
                "required": [
                  "format",
                  "vct",
                  "cryptographic_binding_methods_supported",
                  "credential_signing_alg_values_supported",
                  "proof_types_supported"
                ],
                "properties": {
                  "format": {
                    "const": "dc+sd-jwt"
                  },
                  "vct": {
                    "const": "urn:cyberid:verified-person:1"
                  },
                  "scope": {
                    "type": "string"
                  },
                  "cryptographic_binding_methods_supported": {
                    "type": "array",
                    "items": {
                      "const": "jwk"
                    }
                  },
                  "credential_signing_alg_values_supported": {
                    "type": "array",
                    "items": {
                      "const": "ES256"
                    }
                  },
                  "proof_types_supported": {
                    "type": "object",
                    "required": [
                      "jwt"
                    ],
                    "properties": {
                      "jwt": {
                        "type": "object",
                        "required": [
                          "proof_signing_alg_values_supported"
                        ],
                        "properties": {
                          "proof_signing_alg_values_supported": {
                            "type": "array",
                            "items": {
                              "const": "ES256"
                            }
                          }
                        }
                      }
                    },
                    "additionalProperties": false
                  },
                  "credential_metadata": {
                    "type": "object",
                    "properties": {
                      "display": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/CredentialDisplay"
                        }
                      },
                      "claims": {
                        "type": "array",
                        "items": {
                          "type": "object",
                          "required": [
                            "path"
                          ],
                          "properties": {
                            "path": {
                              "type": "array",
                              "minItems": 1,
                              "items": {
                                "type": "string"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "additionalProperties": false
              },
              "JWTVCIssuerMetadata": {
                "type": "object",
                "description": "SD-JWT VC §5 issuer metadata: the keys that sign credentials and status lists (the keys of `/jwks.json`).",
                "required": [
                  "issuer",
                  "jwks"
                ],
                "properties": {
                  "issuer": {
                    "type": "string",
                    "format": "uri"
                  },
                  "jwks": {
                    "$ref": "#/components/schemas/JWKSet"
                  }
                },
                "additionalProperties": false
              },
              "CredentialOfferRequest": {
                "type": "object",
                "description": "Send `{}` (or no body); nothing in it is read."
              },
              "CredentialOffer": {
                "type": "object",
                "description": "OpenID4VCI 1.0 §4.1.1 credential offer, by value. The code is single use and lives 5 minutes.",
                "required": [
                  "credential_issuer",
                  "credential_configuration_ids",
                  "grants"
                ],
                "properties": {
                  "credential_issuer": {
                    "type": "string",
                    "format": "uri"
                  },
                  "credential_configuration_ids": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                      "const": "verified_person"
                    }
                  },
                  "grants": {
                    "type": "object",
                    "required": [
                      "urn:ietf:params:oauth:grant-type:pre-authorized_code"
                    ],
                    "properties": {
                      "urn:ietf:params:oauth:grant-type:pre-authorized_code": {
                        "type": "object",
                        "required": [
                          "pre-authorized_code"
                        ],
                        "properties": {
                          "pre-authorized_code": {
                            "$ref": "#/components/schemas/Base64URL"
                          }
                        },
                        "additionalProperties": false
                      }
                    },
                    "additionalProperties": false
                  }
                },
                "additionalProperties": false
              },
              "PreAuthorizedTokenRequest": {
                "type": "object",
                "description": "OpenID4VCI 1.0 §6.1 pre-authorized code grant: no client authentication, no `tx_code`.",
                "required": [
                  "grant_type",
                  "pre-authorized_code"
                ],
                "properties": {
                  "grant_type": {
                    "const": "urn:ietf:params:oauth:grant-type:pre-authorized_code"
                  },
                  "pre-authorized_code": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 256,
                    "description": "From a credential offer (at most 256 UTF-8 bytes)."
                  }
                },
                "not": {
                  "required": [
                    "tx_code"
                  ]
                }
              },
              "PreAuthorizedTokenResponse": {
                "type": "object",
                "description": "A single-use access token for `/credential`.",
                "required": [
                  "access_token",
                  "token_type",
                  "expires_in"
                ],
                "properties": {
                  "access_token": {
                    "type": "string"
                  },
                  "token_type": {
                    "const": "Bearer"
                  },
                  "expires_in": {
                    "type": "integer",
                    "minimum": 1
                  }
                },
                "additionalProperties": false
              },
              "CredentialNonce": {
                "type": "object",
                "required": [
                  "c_nonce"
                ],
                "properties": {
                  "c_nonce": {
                    "$ref": "#/components/schemas/Base64URL"
                  }
                },
                "additionalProperties": false
              },
              "CredentialRequest": {
                "type": "object",
                "description": "OpenID4VCI 1.0 §8.2. One credential per proof, each proof with its own key.",
                "required": [
                  "credential_configuration_id",
                  "proofs"
                ],
                "properties": {
                  "credential_configuration_id": {
                    "const": "verified_person"
                  },
                  "proofs": {
                    "type": "object",
                    "required": [
                      "jwt"
                    ],
                    "properties": {
                      "jwt": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 10,
                        "items": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/CompactJWT"
                            }
                          ],
                          "description": "`openid4vci-proof+jwt`: header `{typ, alg: ES256, jwk}` (no `kid`, no `x5c`), payload `{aud: issuer, iat, nonce: c_nonce}`."
                        }
                      }
                    },
                    "additionalProperties": false
                  }
                }
              },
              "CredentialResponse": {
                "type": "object",
                "required": [
                  "credentials"
                ],
                "properties": {
                  "credentials": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 10,
                    "items": {
                      "type": "object",
                      "required": [
                        "credential"
                      ],
                      "properties": {
                        "credential": {
                          "type": "string",
                          "description": "An SD-JWT VC (`dc+sd-jwt`) in compact issuance form `<JWT>~<disclosure>~…~`.",
                          "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+~(?:[A-Za-z0-9_-]+~)*$"
                        }
                      },
                      "additionalProperties": false
                    }
                  }
                },
                "additionalProperties": false
              },
              "ChipChallenge": {
                "type": "object",
                "required": [
                  "chip_challenge",
                  "expires_in"
                ],
                "properties": {
                  "chip_challenge": {
                    "type": "string",
                    "description": "Sealed by the service: opaque to the wallet."
                  },
                  "expires_in": {
                    "type": "integer",
                    "description": "Seconds it stays valid (120)."
                  }
                }
              }
            },
            "responses": {
              "NotFound": {
                "description": "`not-found`: no route for this path and method.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                }
              },
              "BodyTooLarge": {
                "description": "`body-too-large`: the body exceeds `CYBERID_MAX_BODY_BYTES` (declared or streamed).",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                }
              },
              "UnsupportedMediaType": {
                "description": "`unsupported-media-type`: send `application/x-www-form-urlencoded`.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                }
              },
              "StoreUnavailable": {
                "description": "`store-unavailable`: the data store did not answer; try again shortly.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                }
              },
              "WalletUnauthorized": {
                "description": "`invalid-wallet-signature`: no `Authorization: CyberID-Wallet <JWS>`, or a JWS that is malformed, stale, replayed (`jti`), for another method/path (`htm`/`htu`), not binding the body (`bdh`), or signed by a certificate that is not valid or of a cancelled holder.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                }
              },
              "WalletHolderSuspended": {
                "description": "`person-not-active`: the holder's number is suspended — its wallet can then only resume it (with the document's chip) or cancel it (a suspension may answer a lost phone).",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                }
              },
              "WalletRateLimited": {
                "description": "`wallet-failure-rate-limited`: too many failed wallet requests from this address.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  },
                  "Retry-After": {
                    "$ref": "#/components/headers/RetryAfter"
                  }
                }
              },
              "ClientUnauthorized": {
                "description": "`invalid_client`: client authentication failed (unknown, disabled, wrong secret, another method than registered, a bad or replayed assertion).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    }
                  }
                },
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  },
                  "WWW-Authenticate": {
                    "$ref": "#/components/headers/WWWAuthenticate"
                  }
                }
              },
              "InvalidLoginTicket": {
                "description": "Problem `invalid-login-ticket` (the parameter is missing or not made by this service), `malformed-request` for a `qr_image` other than `svg` or a `qr_step` that is not one to seven digits (the status); OAuth `invalid_request` for a badly URL-encoded query or a parameter repeated with different values.",
                "headers": {
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                },
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  },
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/OAuthError"
                    }
                  }
                }
              }
            },
            "parameters": {
              "SessionId": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The session id: a bearer secret.",
                "schema": {
                  "type": "string",
                  "pattern": "^[A-Za-z0-9_-]{22}$"
                }
              },
              "LoginRequestToken": {
                "name": "r",
                "in": "query",
                "required": true,
                "description": "The page's sealed request.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              }
            },
            "headers": {
              "CacheControl": {
                "description": "`no-store` on every error and on personal answers.",
                "schema": {
                  "type": "string"
                }
              },
              "RetryAfter": {
                "description": "Seconds until the limit's sliding estimate lets the next request through, if nothing else is counted meanwhile.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              },
              "WWWAuthenticate": {
                "description": "`Bearer error=\"invalid_token\", …` or `Basic realm=\"cyberid\"`.",
                "schema": {
                  "type": "string"
                }
              },
              "Location": {
                "description": "Where the browser goes next.",
                "required": true,
                "schema": {
                  "type": "string",
                  "format": "uri-reference"
                }
              }
            },
            "securitySchemes": {
              "walletSignature": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Authorization: CyberID-Wallet <JWS>`: ES256, `typ: cyberid-wallet+jwt`, `x5c` = the network certificate; payload `{aud: issuer, purpose: \"wallet-api\", htm, htu, iat, jti}` plus `bdh` = base64url(SHA-256(body)) when the request has a body; `iat` at most 5 minutes old, each `jti` accepted once."
              },
              "clientSecretBasic": {
                "type": "http",
                "scheme": "basic",
                "description": "`client_secret_basic`. `client_secret_post` and `private_key_jwt` send their credentials in the body instead."
              },
              "accessToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "An opaque access token from `/token`."
              },
              "loginCookie": {
                "type": "apiKey",
                "in": "cookie",
                "name": "cyberid_login",
                "description": "The cookie `/authorize` sets, binding the login to this browser."
              },
              "openIdConnect": {
                "type": "openIdConnect",
                "openIdConnectUrl": "/.well-known/openid-configuration"
              }
            }
          }
        }
        """#
}
