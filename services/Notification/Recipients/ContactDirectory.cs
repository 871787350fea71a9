using System.Net;
using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification.Recipients;

/// <summary>An address to write to, asked for at the moment of sending and never stored.</summary>
public sealed record Contact(string Email, string? Name, string Language, IReadOnlyList<string>? AlsoTo = null);

/// <summary>Why there is no address: <see cref="Permanent"/> means asking again will not help (anonymous, erased, no such account).</summary>
public sealed record ContactLookup(Contact? Contact, string? Problem, bool Permanent)
{
    public static ContactLookup Found(Contact contact) => new(contact, null, false);
    public static ContactLookup Missing(string problem) => new(null, problem, true);
    public static ContactLookup Unavailable(string problem) => new(null, problem, false);
}

/// <summary>Section <c>Notification:Desks</c>: the mailboxes of the desks (sales, support, staff-on-duty).</summary>
public sealed class DeskOptions
{
    public const string Section = "Notification:Desks";
    public Dictionary<string, string> Mailboxes { get; set; } = [];
}

/// <summary>
/// Resolves a recipient to an address at send time: a reporter through Intake's internal contact
/// endpoint (their report's details, with the language they chose) or, for reports submitted from an
/// account without contact details, through Identity; an account through Identity; a desk from
/// configuration. Both services are asked with Notification's own client-credentials token.
/// </summary>
public sealed class ContactDirectory(ServiceTokens tokens, IOptions<ServiceClientOptions> options, IOptions<DeskOptions> desks)
{
    public const string ClientName = "contacts";
    public const string IntakeScope = "intake.contact.read";
    public const string IdentityScope = "identity.contact.read";
    public const string CoordinationScope = "coordination.contact.read";
    public const string DisclosureScope = "disclosure.contact.read";

    public async Task<ContactLookup> FindAsync(IQuerySession session, Recipient recipient, CancellationToken cancellationToken)
    {
        switch (recipient.Kind)
        {
            case Recipient.Desk:
                return desks.Value.Mailboxes.TryGetValue(recipient.Ref, out var mailbox) && !string.IsNullOrWhiteSpace(mailbox)
                    ? ContactLookup.Found(new Contact(mailbox, null, "en"))
                    : ContactLookup.Missing($"No mailbox is configured for the {recipient.Ref} desk (Notification:Desks:Mailboxes:{recipient.Ref}).");
            case Recipient.Account:
                return await AccountAsync(Guid.Parse(recipient.Ref), cancellationToken);
            case Recipient.Vendor:
                return await VendorAsync(Guid.Parse(recipient.Ref), cancellationToken);
            case Recipient.Customer:
                return await CustomerAsync(Guid.Parse(recipient.Ref), cancellationToken);
            case Recipient.PentestRequester:
                var requester = await PentestRequesterAsync(Guid.Parse(recipient.Ref), cancellationToken);
                return requester is null ? ContactLookup.Missing("Disclosure has no such pen-test request.")
                    : ContactLookup.Found(new Contact(requester.Email, requester.Name, requester.Language));
            case Recipient.Reporter:
                var reportId = Guid.Parse(recipient.Ref);
                var reporter = await session.LoadAsync<ReportRecipient>(reportId, cancellationToken);
                if (reporter is null) return ContactLookup.Unavailable("The report's submission has not reached Notification yet.");
                if (reporter.HasContact) return await ReporterAsync(reportId, cancellationToken);
                return reporter.AccountId is { } account
                    ? await AccountAsync(account, cancellationToken)
                    : ContactLookup.Missing("The reporter is anonymous and left no address (the message is in the report's inbox).");
            default:
                return ContactLookup.Missing($"Recipients of kind {recipient.Kind} have no e-mail address.");
        }
    }

    /// <summary>The reporter's contact, also for the redaction guard (their name and address must not reach a vendor without consent).</summary>
    public async Task<ContactLookup> ReporterAsync(Guid reportId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(options.Value.IntakeAddress, $"internal/reports/{reportId}/contact", IntakeScope, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var body = (await response.Content.ReadFromJsonAsync<IntakeContact>(cancellationToken))!;
            return ContactLookup.Found(new Contact(body.Email, body.Name, body.Language));
        }
        return Failed(response, "Intake");
    }

    public async Task<T?> IdentityAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(options.Value.IdentityAddress, path, IdentityScope, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return default;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }

    /// <summary>A vendor organisation's security contacts (all of them on one message), in its language.</summary>
    private async Task<ContactLookup> VendorAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(options.Value.CoordinationAddress, $"internal/vendors/{organisationId}/contact", CoordinationScope, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) return Failed(response, "VendorCoordination");
        var body = (await response.Content.ReadFromJsonAsync<VendorContactAnswer>(cancellationToken))!;
        return body.SecurityContacts.Count == 0
            ? ContactLookup.Missing("The vendor has no security contact.")
            : ContactLookup.Found(new Contact(body.SecurityContacts[0], body.Name, body.Language, [.. body.SecurityContacts.Skip(1)]));
    }

    /// <summary>A pen-test report requester, with the download link once approved (asked for at sending time; never stored).</summary>
    public async Task<PentestRequester?> PentestRequesterAsync(Guid requestId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(options.Value.DisclosureAddress, $"internal/pentest-requests/{requestId}/contact", DisclosureScope, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<PentestRequester>(cancellationToken);
    }

    /// <summary>A customer contact for embargoed pre-notices, from Disclosure.</summary>
    private async Task<ContactLookup> CustomerAsync(Guid contactId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(options.Value.DisclosureAddress, $"internal/customers/{contactId}/contact", DisclosureScope, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) return Failed(response, "Disclosure");
        var body = (await response.Content.ReadFromJsonAsync<CustomerContactAnswer>(cancellationToken))!;
        return ContactLookup.Found(new Contact(body.Email, body.Name, body.Language));
    }

    private async Task<ContactLookup> AccountAsync(Guid accountId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(options.Value.IdentityAddress, $"internal/accounts/{accountId}/contact", IdentityScope, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var body = (await response.Content.ReadFromJsonAsync<AccountContact>(cancellationToken))!;
            return ContactLookup.Found(new Contact(body.Email, null, "en"));
        }
        return Failed(response, "Identity");
    }

    private async Task<HttpResponseMessage> GetAsync(Uri service, string path, string scope, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service, path));
        return await SendAsync(request, scope, cancellationToken);
    }

    /// <summary>A request to Intake or Identity with Notification's client-credentials token for <paramref name="scope"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string scope, CancellationToken cancellationToken)
    {
        return await tokens.SendAsync(ClientName, request, scope, cancellationToken);
    }

    public Uri IntakeAddress => options.Value.IntakeAddress;

    private static ContactLookup Failed(HttpResponseMessage response, string service) => response.StatusCode switch
    {
        HttpStatusCode.NotFound => ContactLookup.Missing($"{service} has no contact for this recipient."),
        HttpStatusCode.Gone => ContactLookup.Missing($"{service} erased this recipient's personal data."),
        _ => ContactLookup.Unavailable($"{service} answered {(int)response.StatusCode} to the contact lookup."),
    };

    private sealed record IntakeContact(string? Name, string Email, string Language);

    private sealed record AccountContact(Guid AccountId, string Email, bool EmailConfirmed);

    private sealed record CustomerContactAnswer(Guid Id, string Organisation, string? Name, string Email, string Language);

    private sealed record VendorContactAnswer(Guid OrganisationId, string Name, IReadOnlyList<string> SecurityContacts, string Language);
}

public sealed record PentestRequester(string Email, string? Name, string Language, string State, Uri? Link, DateTimeOffset? ExpiresAt);

public sealed record EmailConfirmationLink(Guid AccountId, string Email, Uri Link, DateTimeOffset ExpiresAt);
