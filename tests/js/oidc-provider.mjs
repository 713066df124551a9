// A real OpenID Provider (panva's certified oidc-provider) for the single sign-on tests.
//
// Usage: node oidc-provider.mjs CONFIG.json
// CONFIG: {"issuer": "http://localhost:PORT", "port": PORT,
//          "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//          "accounts": {"<login>": {claims...}}}
// The development interactions are on: the login page takes any account id listed in
// "accounts" (any password) and asks for consent. Prints "ready" once it listens.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const provider = new Provider(config.issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Real providers (Keycloak, Google, Entra ID) put the scope's claims in the ID token too.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['entente-test-provider-cookie-key'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
});
provider.proxy = false;

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write('ready\n');
});
