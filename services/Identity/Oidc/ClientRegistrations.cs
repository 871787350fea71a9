using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VulnPlatform.Identity.Oidc;

/// <summary>
/// At start (after <see cref="OidcSchema"/>): registers (or updates) every client in configuration, so clients, secrets and redirect URIs are configuration, not data edited by hand.
/// Under an advisory lock: instances starting together (VP_REPLICAS, a rollout) register each client once
/// instead of failing each other's optimistic updates.
/// </summary>
public sealed class ClientRegistrations(IServiceProvider services, IOptions<OidcOptions> options, ILogger<ClientRegistrations> logger)
    : IHostedService
{
    private const long LockKey = 0x5650_4944_434C_4E54; // "VPIDCLNT"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OidcStore>();
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await store.Database.ExecuteSqlRawAsync($"select pg_advisory_xact_lock({LockKey})", cancellationToken);
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var (clientId, client) in options.Value.Clients)
        {
            if (Describe(clientId, client) is not { } descriptor)
            {
                logger.LogWarning("Client {ClientId} is not registered: a {Kind} client needs a secret of at least 32 characters", clientId, client.Kind);
                continue;
            }
            if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } existing)
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
            else
            {
                await applications.CreateAsync(descriptor, cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static OpenIddictApplicationDescriptor? Describe(string clientId, ClientOptions client)
    {
        var confidential = client.Kind is ClientKinds.Web or ClientKinds.Service;
        if (confidential && (client.Secret is null || client.Secret.Length < 32)) return null;

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = confidential ? client.Secret : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = client.Kind is ClientKinds.Cli or ClientKinds.Mobile ? ApplicationTypes.Native : ApplicationTypes.Web,
            ConsentType = ConsentTypes.Implicit, // the platform's own clients
            DisplayName = client.DisplayName ?? clientId,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);

        if (client.Kind == ClientKinds.Service)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
            foreach (var scope in client.Scopes.Where(ApiScopes.ServiceScopes.ContainsKey))
            {
                descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
            }
            return descriptor;
        }

        descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
        descriptor.Permissions.Add(Permissions.Endpoints.EndSession);
        descriptor.Permissions.Add(Permissions.GrantTypes.AuthorizationCode);
        descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
        descriptor.Permissions.Add(Permissions.Scopes.Email);
        descriptor.Permissions.Add(Permissions.Scopes.Profile);
        descriptor.Permissions.Add(Permissions.Scopes.Roles);
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        foreach (var uri in client.RedirectUris) descriptor.RedirectUris.Add(new Uri(uri));
        foreach (var uri in client.PostLogoutRedirectUris) descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        return descriptor;
    }
}
