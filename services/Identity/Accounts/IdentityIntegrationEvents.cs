using JasperFx.Events;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Identity;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Identity.Accounts;

/// <summary>What Identity tells the platform: account ids and what happened, never e-mail addresses or secrets.</summary>
public sealed class IdentityIntegrationEvents : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes =>
    [
        typeof(AccountRegistered), typeof(EmailConfirmationRequested), typeof(EmailConfirmed), typeof(PasswordChanged),
        typeof(TwoFactorEnabled), typeof(TwoFactorDisabled), typeof(AccountSignedIn), typeof(AccountLockedOut),
        typeof(AccountUnlocked), typeof(RoleGranted), typeof(RoleRevoked), typeof(AccountDisabled),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        AccountOpened e => new AccountRegistered(e.AccountId, e.Roles, e.VendorOrganisationId, e.OpenedBy, e.At),
        EmailConfirmationIssued e => new EmailConfirmationRequested(e.AccountId, e.RequestId, e.At),
        EmailAddressConfirmed e => new EmailConfirmed(e.AccountId, e.At),
        PasswordSet { Reason: PasswordReasons.Changed } e => new PasswordChanged(e.AccountId, e.At),
        AuthenticatorConfirmed e => new TwoFactorEnabled(e.AccountId, e.At),
        AuthenticatorRemoved e => new TwoFactorDisabled(e.AccountId, e.By, e.At),
        SignedIn e => new AccountSignedIn(e.AccountId, e.Factors, e.At),
        LockedOut e => new AccountLockedOut(e.AccountId, e.FailedInARow, e.Until, e.At),
        SignInsPaused { Notify: true } e => new AccountLockedOut(e.AccountId, e.FailedInARow, e.Until, e.At, e.Network),
        LockoutLifted e => new AccountUnlocked(e.AccountId, e.By, e.At),
        RoleAdded e => new RoleGranted(e.AccountId, e.Role, e.VendorOrganisationId, e.By, e.At),
        RoleRemoved e => new RoleRevoked(e.AccountId, e.Role, e.By, e.At),
        AccountDeactivated e => new AccountDisabled(e.AccountId, e.By, e.At),
        _ => null,
    };
}
