extern alias intake;
extern alias identity;
extern alias gateway;
extern alias triage;
extern alias notification;
extern alias coordination;
extern alias disclosure;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VulnPlatform.Testing;
using Xunit.Abstractions;

namespace VulnPlatform.Authorization.Tests;

/// <summary>
/// The authorization matrix: every route of every service, for every kind of caller, directly and
/// through the gateway, from one table. A route a service maps that the table does not name fails
/// the test, so a new endpoint cannot ship without its access rules being written down.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuthorizationMatrixTests(PlatformFixture platform, ITestOutputHelper output)
{
    // Columns: anonymous, reporter A (owns the report), reporter B, vendor, analyst, coordinator, admin,
    // then every bad token (expired, other key, alg none, tampered, other audience) called directly.
    // ok = the request reached the handler (2xx, 3xx, or a 4xx about its input); 401, 403, 404 as such.
    // Through the gateway: "same", "unrouted" (404 for everyone), or "own" (the gateway's own endpoint).
    // Through the gateway a bad token is always 401.
    private const string Table = """
        intake   POST   /api/reports/                                                    ok  ok  ok  ok  ok  ok  ok  401  same
        intake   GET    /api/reports/                                                    401 ok  ok  ok  ok  ok  ok  401  same
        intake   GET    /api/reports/{trackingNumber}                                    404 ok  404 404 404 404 404 401  same
        intake   POST   /api/reports/{trackingNumber}/attachments                        404 ok  404 404 404 404 404 401  same
        intake   GET    /api/reports/{trackingNumber}/attachments/{attachmentId:guid}    404 ok  404 404 404 404 404 401  same
        intake   POST   /api/reports/{trackingNumber}/messages                           404 ok  404 404 404 404 404 401  same
        intake   PUT    /api/reports/{trackingNumber}/consent                            404 ok  404 404 404 404 404 401  same
        intake   POST   /api/reports/{trackingNumber}/withdraw                           404 ok  404 404 404 404 404 401  same
        intake   POST   /api/reports/{trackingNumber}/erase                              404 ok  404 404 404 404 404 401  same
        intake   GET    /api/staff/reports/{trackingNumber}/attachments/{attachmentId:guid} 401 403 403 403 ok  ok  403 401  same
        intake   POST   /api/staff/reports/{trackingNumber}/reveal                       401 403 403 403 ok  ok  403 401  same
        intake   GET    /api/openapi/{documentName}.json                                 ok  ok  ok  ok  ok  ok  ok  401  same
        intake   GET    /internal/reports/{reportId:guid}/contact                        401 403 403 403 403 403 403 401  unrouted
        intake   GET    /internal/reports/{reportId:guid}/attachments/{attachmentId:guid} 401 403 403 403 403 403 403 401  unrouted
        intake   POST   /internal/reports/follow-up-access                               401 403 403 403 403 403 403 401  unrouted
        intake   GET    /internal/relay/dead-letters                                     401 401 401 401 401 401 401 401  unrouted
        intake   POST   /internal/relay/dead-letters/{id:guid}/republish                 401 401 401 401 401 401 401 401  unrouted
        intake   DELETE /internal/relay/dead-letters/{id:guid}                           401 401 401 401 401 401 401 401  unrouted
        intake   POST   /internal/relay/replay                                           401 401 401 401 401 401 401 401  unrouted
        intake   ANY    /health/live                                                     ok  ok  ok  ok  ok  ok  ok  401  own
        intake   ANY    /health/ready                                                    ok  ok  ok  ok  ok  ok  ok  401  own
        notification GET    /api/inbox/                                                  401 ok  ok  ok  ok  ok  ok  401  same
        notification POST   /api/inbox/{id:guid}/read                                    401 404 404 404 404 404 404 401  same
        notification GET    /api/inbox/reports/{trackingNumber}                          404 404 404 404 404 404 404 401  same
        notification GET    /api/notifications/webhooks/event-types                      401 403 403 403 403 403 ok  401  same
        notification GET    /api/notifications/webhooks/                                 401 403 403 403 403 403 ok  401  same
        notification POST   /api/notifications/webhooks/                                 401 403 403 403 403 403 ok  401  same
        notification GET    /api/notifications/webhooks/{id:guid}                        401 403 403 403 403 403 404 401  same
        notification POST   /api/notifications/webhooks/{id:guid}/disable                401 403 403 403 403 403 404 401  same
        notification POST   /api/notifications/webhooks/{id:guid}/enable                 401 403 403 403 403 403 404 401  same
        notification DELETE /api/notifications/webhooks/{id:guid}                        401 403 403 403 403 403 404 401  same
        notification GET    /api/notifications/reports/{trackingNumber}/deliveries       401 403 403 403 ok  ok  403 401  same
        notification GET    /api/openapi/{documentName}.json                             ok  ok  ok  ok  ok  ok  ok  401  same
        notification GET    /internal/relay/dead-letters                                 401 401 401 401 401 401 401 401  unrouted
        notification POST   /internal/relay/dead-letters/{id:guid}/republish             401 401 401 401 401 401 401 401  unrouted
        notification DELETE /internal/relay/dead-letters/{id:guid}                       401 401 401 401 401 401 401 401  unrouted
        notification POST   /internal/relay/replay                                       401 401 401 401 401 401 401 401  unrouted
        notification ANY    /health/live                                                 ok  ok  ok  ok  ok  ok  ok  401  own
        notification ANY    /health/ready                                                ok  ok  ok  ok  ok  ok  ok  401  own
        coordination GET    /api/coordination/vendors/                                   401 403 403 403 403 ok  403 401  same
        coordination POST   /api/coordination/vendors/                                   401 403 403 403 403 ok  403 401  same
        coordination GET    /api/coordination/vendors/suggestions                        401 403 403 403 403 ok  403 401  same
        coordination GET    /api/coordination/vendors/{id:guid}                          401 403 403 403 403 404 403 401  same
        coordination PUT    /api/coordination/vendors/{id:guid}                          401 403 403 403 403 404 403 401  same
        coordination GET    /api/coordination/cases/                                     401 403 403 403 403 ok  403 401  same
        coordination POST   /api/coordination/cases/                                     401 403 403 403 403 ok  403 401  same
        coordination GET    /api/coordination/cases/{trackingNumber}                     401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/vendors             401 403 403 403 403 ok  403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/remove 401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/status 401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/statements 401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/notify 401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/disclosure-date     401 403 403 403 403 404 403 401  same
        coordination GET    /api/coordination/vendors/{id:guid}/accounts                 401 403 403 403 403 404 403 401  same
        coordination PUT    /api/coordination/cases/{trackingNumber}/relay-review        401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/messages/{messageId:guid}/release 401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/messages/{messageId:guid}/decline 401 403 403 403 403 404 403 401  same
        coordination GET    /api/coordination/cases/{trackingNumber}/files               401 403 403 403 403 404 403 401  same
        coordination POST   /api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/files 401 403 403 403 403 404 403 401  same
        coordination DELETE /api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/files/{attachmentId:guid} 401 403 403 403 403 404 403 401  same
        coordination GET    /api/coordination/vendor/cases/                              401 403 403 ok  403 403 403 401  same
        coordination POST   /api/coordination/vendor/cases/{trackingNumber}/messages     401 403 403 404 403 403 403 401  same
        coordination GET    /api/coordination/vendor/cases/{trackingNumber}/files/{attachmentId:guid} 401 403 403 404 403 403 403 401  same
        coordination POST   /api/coordination/vendor/cases/{trackingNumber}/disclosure-date-requests 401 403 403 404 403 403 403 401  same
        coordination POST   /api/coordination/vendor/cases/{trackingNumber}/acknowledge  401 403 403 404 403 403 403 401  same
        coordination GET    /api/coordination/vendor/cases/{trackingNumber}              401 403 403 404 403 403 403 401  same
        coordination POST   /api/coordination/vendor/cases/{trackingNumber}/status       401 403 403 404 403 403 403 401  same
        coordination POST   /api/coordination/vendor/cases/{trackingNumber}/statements   401 403 403 404 403 403 403 401  same
        coordination GET    /internal/vendors/{id:guid}/contact                          401 403 403 403 403 403 403 401  unrouted
        disclosure GET    /api/advisories/                                               401 403 403 403 ok  ok  403 401  same
        disclosure POST   /api/advisories/                                               401 403 403 403 403 ok  403 401  same
        disclosure GET    /api/advisories/{publicId}                                     401 403 403 403 404 404 403 401  same
        disclosure PUT    /api/advisories/{publicId}                                     401 403 403 403 403 404 403 401  same
        disclosure GET    /api/advisories/{publicId}/preview/csaf                        401 403 403 403 404 404 403 401  same
        disclosure GET    /api/advisories/{publicId}/preview/html                        401 403 403 403 404 404 403 401  same
        disclosure GET    /api/advisories/sets/{trackingNumber}                          401 403 403 403 404 404 403 401  same
        disclosure PUT    /api/advisories/sets/{trackingNumber}/schedule                 401 403 403 403 403 404 403 401  same
        disclosure DELETE /api/advisories/sets/{trackingNumber}/schedule                 401 403 403 403 403 404 403 401  same
        disclosure POST   /api/advisories/{publicId}/cve-ids                             401 403 403 403 403 ok  403 401  same
        disclosure GET    /advisories/{publicId}/cve/{cveId}.json                        404 404 404 404 404 404 404 401  same
        disclosure GET    /advisories/{publicId}/osv.json                                404 404 404 404 404 404 404 401  same
        disclosure GET    /api/advisories/customers/                                     401 403 403 403 403 ok  403 401  same
        disclosure POST   /api/advisories/customers/                                     401 403 403 403 403 ok  403 401  same
        disclosure PUT    /api/advisories/customers/{id:guid}                            401 403 403 403 403 404 403 401  same
        disclosure DELETE /api/advisories/customers/{id:guid}                            401 403 403 403 403 404 403 401  same
        disclosure GET    /internal/customers/{id:guid}/contact                          401 403 403 403 403 403 403 401  unrouted
        disclosure GET    /internal/pentest-requests/{id:guid}/contact                   401 403 403 403 403 403 403 401  unrouted
        disclosure POST   /api/pentest/reports                                           401 403 403 403 403 ok  403 401  same
        disclosure GET    /api/pentest/reports                                           401 403 403 403 403 ok  403 401  same
        disclosure GET    /api/pentest/requests                                          401 403 403 403 403 ok  403 401  same
        disclosure POST   /api/pentest/requests/{id:guid}/approve                        401 403 403 403 403 ok  403 401  same
        disclosure POST   /api/pentest/requests/{id:guid}/decline                        401 403 403 403 403 404 403 401  same
        disclosure POST   /api/pentest/requests/{id:guid}/revoke                         401 403 403 403 403 404 403 401  same
        disclosure GET    /pentest/nda                                                   ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure POST   /pentest/requests                                              ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure POST   /pentest/downloads                                             404 404 404 404 404 404 404 401  same
        disclosure GET    /advisories                                                    ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /advisories/feed.atom                                          ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /advisories/{publicId}.json                                    404 404 404 404 404 404 404 401  same
        disclosure GET    /advisories/{publicId}                                         404 404 404 404 404 404 404 401  same
        disclosure GET    /acknowledgments                                               ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /.well-known/csaf/provider-metadata.json                       ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /.well-known/csaf/white/index.txt                              ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /.well-known/csaf/white/changes.csv                            ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /.well-known/csaf/white/                                       ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /.well-known/csaf/white/{year:int}/                            404 404 404 404 404 404 404 401  same
        disclosure GET    /.well-known/csaf/white/{year:int}/{file}                      404 404 404 404 404 404 404 401  same
        disclosure GET    /api/openapi/{documentName}.json                               ok  ok  ok  ok  ok  ok  ok  401  same
        disclosure GET    /internal/relay/dead-letters                                   401 401 401 401 401 401 401 401  unrouted
        disclosure POST   /internal/relay/dead-letters/{id:guid}/republish               401 401 401 401 401 401 401 401  unrouted
        disclosure DELETE /internal/relay/dead-letters/{id:guid}                         401 401 401 401 401 401 401 401  unrouted
        disclosure POST   /internal/relay/replay                                         401 401 401 401 401 401 401 401  unrouted
        disclosure ANY    /health/live                                                   ok  ok  ok  ok  ok  ok  ok  401  own
        disclosure ANY    /health/ready                                                  ok  ok  ok  ok  ok  ok  ok  401  own
        coordination GET    /api/openapi/{documentName}.json                             ok  ok  ok  ok  ok  ok  ok  401  same
        coordination GET    /internal/relay/dead-letters                                 401 401 401 401 401 401 401 401  unrouted
        coordination POST   /internal/relay/dead-letters/{id:guid}/republish             401 401 401 401 401 401 401 401  unrouted
        coordination DELETE /internal/relay/dead-letters/{id:guid}                       401 401 401 401 401 401 401 401  unrouted
        coordination POST   /internal/relay/replay                                       401 401 401 401 401 401 401 401  unrouted
        coordination ANY    /health/live                                                 ok  ok  ok  ok  ok  ok  ok  401  own
        coordination ANY    /health/ready                                                ok  ok  ok  ok  ok  ok  ok  401  own
        identity GET    /api/identity/me                                                 401 ok  ok  ok  ok  ok  ok  401  same
        identity GET    /api/identity/accounts/                                          401 403 403 403 403 403 ok  401  same
        identity GET    /api/identity/accounts/{id:guid}                                 401 403 403 403 403 403 ok  401  same
        identity POST   /api/identity/accounts/                                          401 403 403 403 403 403 ok  401  same
        identity POST   /api/identity/accounts/{id:guid}/roles                           401 403 403 403 403 403 ok  401  same
        identity DELETE /api/identity/accounts/{id:guid}/roles/{role}                    401 403 403 403 403 403 ok  401  same
        identity POST   /api/identity/accounts/{id:guid}/unlock                          401 403 403 403 403 403 ok  401  same
        identity POST   /api/identity/accounts/{id:guid}/disable                         401 403 403 403 403 403 ok  401  same
        identity GET    /api/openapi/{documentName}.json                                 ok  ok  ok  ok  ok  ok  ok  ok   same
        identity GET    /connect/authorize                                               ok  ok  ok  ok  ok  ok  ok  ok   same
        identity POST   /connect/authorize                                               ok  ok  ok  ok  ok  ok  ok  ok   same
        identity POST   /connect/token                                                   ok  ok  ok  ok  ok  ok  ok  ok   same
        identity GET    /connect/logout                                                  ok  ok  ok  ok  ok  ok  ok  ok   same
        identity POST   /connect/logout                                                  ok  ok  ok  ok  ok  ok  ok  ok   same
        identity GET    /connect/userinfo                                                401 ok  ok  ok  ok  ok  ok  401  same
        identity POST   /connect/userinfo                                                401 ok  ok  ok  ok  ok  ok  401  same
        identity ANY    /account                                                         ok  ok  ok  ok  ok  ok  ok  ok   same
        identity ANY    /account/sign-in                                                 ok  ok  ok  ok  ok  ok  ok  ok   same
        identity ANY    /account/two-factor                                              ok  ok  ok  ok  ok  ok  ok  ok   same
        identity ANY    /account/enrol                                                   ok  ok  ok  ok  ok  ok  ok  ok   same
        identity ANY    /account/register                                                ok  ok  ok  ok  ok  ok  ok  ok   same
        identity ANY    /account/change-password                                         ok  ok  ok  ok  ok  ok  ok  ok   same
        identity ANY    /account/confirm-email                                           ok  ok  ok  ok  ok  ok  ok  ok   same
        identity GET    /account/language                                                ok  ok  ok  ok  ok  ok  ok  ok   same
        identity GET    /internal/accounts/{id:guid}/contact                             401 403 403 403 403 403 403 401  unrouted
        identity GET    /internal/accounts/{id:guid}/email-confirmations/{requestId:guid} 401 403 403 403 403 403 403 401  unrouted
        identity GET    /internal/relay/dead-letters                                     401 401 401 401 401 401 401 401  unrouted
        identity POST   /internal/relay/dead-letters/{id:guid}/republish                 401 401 401 401 401 401 401 401  unrouted
        identity DELETE /internal/relay/dead-letters/{id:guid}                           401 401 401 401 401 401 401 401  unrouted
        identity POST   /internal/relay/replay                                           401 401 401 401 401 401 401 401  unrouted
        identity ANY    /health/live                                                     ok  ok  ok  ok  ok  ok  ok  ok   own
        identity ANY    /health/ready                                                    ok  ok  ok  ok  ok  ok  ok  ok   own
        triage   GET    /api/triage/cases/                                               401 403 403 403 ok  ok  403 401  same
        triage   GET    /api/triage/cases/metrics                                        401 403 403 403 ok  ok  403 401  same
        triage   GET    /api/triage/cases/{trackingNumber}                               401 403 403 403 ok  ok  403 401  same
        triage   GET    /api/triage/cases/{trackingNumber}/similar                       401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/acknowledge                   401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/assign                        401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/request-information           401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/assess                        401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/validate                      401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/reject                        401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/third-party                   401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/plan                          401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/updates                       401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/fixed                         401 403 403 403 ok  ok  403 401  same
        triage   POST   /api/triage/cases/{trackingNumber}/close                         401 403 403 403 ok  ok  403 401  same
        triage   GET    /api/cvss                                                        ok  ok  ok  ok  ok  ok  ok  401  same
        triage   GET    /api/openapi/{documentName}.json                                 ok  ok  ok  ok  ok  ok  ok  401  same
        triage   GET    /internal/relay/dead-letters                                     401 401 401 401 401 401 401 401  unrouted
        triage   POST   /internal/relay/dead-letters/{id:guid}/republish                 401 401 401 401 401 401 401 401  unrouted
        triage   DELETE /internal/relay/dead-letters/{id:guid}                           401 401 401 401 401 401 401 401  unrouted
        triage   POST   /internal/relay/replay                                           401 401 401 401 401 401 401 401  unrouted
        triage   ANY    /health/live                                                     ok  ok  ok  ok  ok  ok  ok  401  own
        triage   ANY    /health/ready                                                    ok  ok  ok  ok  ok  ok  ok  401  own
        """;

    internal static readonly string[] Callers = ["anonymous", "reporter A", "reporter B", "vendor", "analyst", "coordinator", "admin"];
    private static readonly string[] BadTokens = ["expired", "other key", "alg none", "tampered", "other audience"];

    private Guid _reporterA;
    private static readonly Guid VendorOrganisation = Guid.NewGuid();
    private string _triageCase = "";
    private readonly Dictionary<string, Guid> _accounts = [];

    internal sealed record Row(string Service, string Method, string Route, string[] Expected, string Gateway);

    internal static List<Row> Rows() => Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(f => new Row(f[0], f[1], f[2], f[3..11], f[11]))
        .ToList();

    [Fact]
    public void Every_route_every_service_maps_has_a_row_and_every_row_a_route()
    {
        var mapped = PlatformFixture.Routes(platform.Intake.Services).Select(r => "intake " + r)
            .Concat(PlatformFixture.Routes(platform.Identity.Services).Select(r => "identity " + r))
            .Concat(PlatformFixture.Routes(platform.Triage.Services).Select(r => "triage " + r))
            .Concat(PlatformFixture.Routes(platform.Notification.Services).Select(r => "notification " + r))
            .Concat(PlatformFixture.Routes(platform.Coordination.Services).Select(r => "coordination " + r))
            .Concat(PlatformFixture.Routes(platform.Disclosure.Services).Select(r => "disclosure " + r))
            .Order().ToList();
        var named = Rows().Select(r => $"{r.Service} {r.Method} {r.Route}").Order().ToList();
        Assert.Equal(mapped, named);
    }

    [Fact]
    public async Task Every_caller_gets_what_the_table_says_directly_and_through_the_gateway()
    {
        // Real accounts behind the callers' tokens, so that "who am I" has an answer for each.
        foreach (var (caller, role) in new[] { ("reporter A", "reporter"), ("reporter B", "reporter"), ("vendor", "vendor"),
                     ("analyst", "analyst"), ("coordinator", "coordinator"), ("admin", "admin") })
        {
            _accounts[caller] = await CreateAccountAsync(role);
        }
        _reporterA = _accounts["reporter A"];
        _triageCase = await OpenTriageCaseAsync();
        var targetAccount = await CreateAccountAsync("reporter");
        var failures = new List<string>();
        foreach (var row in Rows())
        {
            for (var who = 0; who < Callers.Length + BadTokens.Length; who++)
            {
                var expected = who < Callers.Length ? row.Expected[who] : row.Expected[7];
                var caller = who < Callers.Length ? Callers[who] : BadTokens[who - Callers.Length];
                var token = Token(caller);

                var direct = await SendAsync(Service(row.Service), row, token, targetAccount);
                Check(failures, $"{row.Method} {row.Route} as {caller}, directly", expected, direct);

                if (row.Gateway == "own") continue;
                var throughGateway = await SendAsync(platform.Client(platform.Gateway), row, token, targetAccount);
                var atGateway = who >= Callers.Length ? "401" : row.Gateway == "unrouted" ? "404" : expected;
                Check(failures, $"{row.Method} {row.Route} as {caller}, through the gateway", atGateway, throughGateway);
            }
        }
        output.WriteLine($"{Rows().Count} routes x {Callers.Length + BadTokens.Length} callers, directly and through the gateway; {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static void Check(List<string> failures, string cell, string expected, HttpStatusCode status)
    {
        var code = (int)status;
        var ok = expected switch
        {
            "ok" => code < 500 && code is not (401 or 403 or 404),
            _ => code.ToString() == expected,
        };
        if (!ok) failures.Add($"{cell}: expected {expected}, got {code}");
    }

    private HttpClient Service(string name) => platform.Client(name);

    private string? Token(string caller) => caller switch
    {
        "anonymous" => null,
        "reporter A" or "reporter B" => platform.Tokens.Person(_accounts[caller], "reporter"),
        "vendor" => platform.Tokens.PersonWith(_accounts[caller], [new System.Security.Claims.Claim("vendor_org", VendorOrganisation.ToString())], caller),
        "analyst" or "coordinator" or "admin" => platform.Tokens.Person(_accounts[caller], caller),
        "expired" => platform.Tokens.Expired(_reporterA, "admin"),
        "other key" => platform.Tokens.SignedByAnotherKey(_reporterA, "admin"),
        "alg none" => platform.Tokens.Unsigned(_reporterA, "admin"),
        "tampered" => platform.Tokens.Tampered(_reporterA),
        "other audience" => platform.Tokens.OfAnotherAudience(_reporterA, "admin"),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private async Task<HttpStatusCode> SendAsync(HttpClient client, Row row, string? token, Guid targetAccount)
    {
        var path = row.Route;
        HttpContent? content = null;
        if (row.Service == "triage")
        {
            path = path.Replace("{trackingNumber}", _triageCase);
        }
        else if (path.Contains("{trackingNumber}") || path.Contains("{reportId:guid}"))
        {
            var report = await ReportOfAAsync();
            path = path.Replace("{trackingNumber}", report.TrackingNumber).Replace("{reportId:guid}", report.Id.ToString())
                .Replace("{attachmentId:guid}", report.AttachmentId.ToString());
        }
        path = path.Replace("{documentName}", row.Service == "coordination" ? "vendorcoordination" : row.Service).Replace("{role}", "analyst")
            .Replace("{requestId:guid}", Guid.NewGuid().ToString()).Replace("{messageId:guid}", Guid.NewGuid().ToString()).Replace("{publicId}", "VP-2026-9999").Replace("{cveId}", "CVE-2026-0001").Replace("{year:int}", "2026")
            .Replace("{file}", "vp-2026-9999.json").Replace("{organisationId:guid}", Guid.NewGuid().ToString())
            .Replace("{id:guid}", path.StartsWith("/api/identity") || path.StartsWith("/internal/accounts") ? targetAccount.ToString() : Guid.NewGuid().ToString());
        content = (row.Method, row.Route) switch
        {
            ("POST", "/api/reports/") => JsonContent.Create(ValidReport),
            ("POST", "/api/reports/{trackingNumber}/attachments") => Attachment(),
            ("POST", "/api/reports/{trackingNumber}/messages") => JsonContent.Create(new { text = "One more detail." }),
            ("PUT", "/api/reports/{trackingNumber}/consent") => JsonContent.Create(new { shareIdentityWithVendor = false, publicCredit = false }),
            ("POST", "/api/reports/{trackingNumber}/withdraw") => JsonContent.Create(new { reason = "Sent by mistake." }),
            ("POST", "/api/reports/{trackingNumber}/erase") => JsonContent.Create(new { }),
            ("POST", "/api/staff/reports/{trackingNumber}/reveal") => JsonContent.Create(new { reason = "The matrix asks." }),
            ("POST", "/internal/relay/replay") => JsonContent.Create(new { queue = "intake.nothing" }),
            ("POST", "/internal/reports/follow-up-access") => JsonContent.Create(new { trackingNumber = "VR-2026-000000", followUpToken = "x" }),
            ("POST" or "PUT", "/api/coordination/vendors/" or "/api/coordination/vendors/{id:guid}") => JsonContent.Create(new
            {
                name = "Matrix Vendor", products = new[] { new { name = "Router" } }, securityContacts = new[] { "psirt@vendor.example" },
            }),
            ("POST", "/api/coordination/cases/") => JsonContent.Create(new { trackingNumber = "VR-2026-000000", vendor = "Acme", product = "Shop" }),
            ("POST", "/api/coordination/cases/{trackingNumber}/vendors") => JsonContent.Create(new { organisationId = Guid.NewGuid() }),
            ("POST", "/api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/notify") => JsonContent.Create(new { summary = "A summary." }),
            ("POST", "/api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/remove") => JsonContent.Create(new { reason = "Added by mistake." }),
            ("POST", "/api/coordination/cases/{trackingNumber}/disclosure-date" or "/api/coordination/vendor/cases/{trackingNumber}/disclosure-date-requests") =>
                JsonContent.Create(new { disclosureAt = DateTimeOffset.UtcNow.AddDays(60), reason = "The matrix asks." }),
            ("POST", "/api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/status" or "/api/coordination/vendor/cases/{trackingNumber}/status") =>
                JsonContent.Create(new { status = "affected" }),
            ("POST", "/api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/statements" or "/api/coordination/vendor/cases/{trackingNumber}/statements") =>
                JsonContent.Create(new { text = "A statement." }),
            ("POST", "/api/advisories/") => JsonContent.Create(new { trackingNumber = "VR-2026-000000" }),
            ("POST" or "PUT", "/api/advisories/customers/" or "/api/advisories/customers/{id:guid}") =>
                JsonContent.Create(new { organisation = "Customer", email = "ops@customer.example" }),
            ("POST", "/api/pentest/requests/{id:guid}/approve") => JsonContent.Create(new { reportId = Guid.NewGuid() }),
            ("POST", "/api/pentest/requests/{id:guid}/decline") => JsonContent.Create(new { reason = "The matrix asks." }),
            ("POST", "/pentest/requests") => JsonContent.Create(new { organisation = "Matrix" }),
            ("POST", "/pentest/downloads") => JsonContent.Create(new { email = "someone@example.org" }),
            ("PUT", "/api/advisories/{publicId}") => JsonContent.Create(new { title = "T", summary = "S", products = Array.Empty<object>() }),
            ("PUT", "/api/advisories/sets/{trackingNumber}/schedule") => JsonContent.Create(new { date = "2030-01-01", time = "09:00", timeZone = "UTC" }),
            ("PUT", "/api/coordination/cases/{trackingNumber}/relay-review") => JsonContent.Create(new { hold = true }),
            ("POST", "/api/coordination/cases/{trackingNumber}/messages/{messageId:guid}/decline") => JsonContent.Create(new { reason = "The matrix asks." }),
            ("POST", "/api/coordination/cases/{trackingNumber}/vendors/{organisationId:guid}/files") => JsonContent.Create(new { attachmentId = Guid.NewGuid() }),
            ("POST", "/api/coordination/vendor/cases/{trackingNumber}/messages") => JsonContent.Create(new { text = "A question." }),
            ("POST", "/api/notifications/webhooks/") => JsonContent.Create(new { url = "https://203.0.113.10/hook", eventTypes = new[] { "triage.case-opened" } }),
            ("POST", "/api/identity/accounts/") => JsonContent.Create(new { email = $"m{Guid.NewGuid():N}@example.org", roles = new[] { "reporter" } }),
            ("POST", "/api/identity/accounts/{id:guid}/roles") => JsonContent.Create(new { role = "analyst" }),
            ("POST", "/connect/token" or "/connect/authorize" or "/connect/logout" or "/connect/userinfo") => new FormUrlEncodedContent([]),
            _ => null,
        };
        if (row.Route == "/api/cvss") path += "?vector=" + Uri.EscapeDataString("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        var method = row.Method == "ANY" ? HttpMethod.Get : new HttpMethod(row.Method);
        using var request = Requests.Bearer(method, path, token, content);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static readonly object ValidReport = new
    {
        kind = "vulnerability", title = "SQL injection in search", description = "The q parameter reaches the query unescaped.",
        product = new { vendor = "Acme", name = "Shop", version = "1.0" }, thirdParty = false,
        stepsToReproduce = "GET /search?q=' or 1=1 --", impact = "Every customer record can be read.",
        reporter = new { email = "matrix.reporter@example.org", language = "en" }, // so staff have an identity to ask for
    };

    private static MultipartFormDataContent Attachment()
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("proof of concept"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "files", "poc.txt");
        return form;
    }

    private sealed record ReportOfA(Guid Id, string TrackingNumber, Guid AttachmentId);

    /// <summary>A fresh report submitted by reporter A (signed in), with one attachment: every cell starts from the same state.</summary>
    private async Task<ReportOfA> ReportOfAAsync()
    {
        var client = platform.Client(platform.Intake);
        var submit = Requests.Bearer(HttpMethod.Post, "/api/reports/", platform.Tokens.Person(_reporterA, "reporter"), JsonContent.Create(ValidReport));
        var created = await (await client.SendAsync(submit)).Content.ReadFromJsonAsync<JsonElement>();
        var number = created.GetProperty("trackingNumber").GetString()!;
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{number}/attachments") { Content = Attachment() };
        upload.Headers.Add("X-Follow-Up-Token", created.GetProperty("followUpToken").GetString());
        var uploaded = await (await client.SendAsync(upload)).Content.ReadFromJsonAsync<JsonElement>();
        return new ReportOfA(created.GetProperty("reportId").GetGuid(), number,
            uploaded.GetProperty("attachments")[0].GetProperty("id").GetGuid());
    }

    /// <summary>A case in Triage, opened by a report published on the bus as Intake's relay would.</summary>
    private async Task<string> OpenTriageCaseAsync()
    {
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(await TestServers.GetAsync(), new VulnPlatform.Contracts.Intake.ReportSubmitted(
            Guid.CreateVersion7(), trackingNumber, "vulnerability", "Matrix case", "A case for the matrix.", null, false, null, null, null, true,
            VulnPlatform.Contracts.Actor.AnonymousReporter, DateTimeOffset.UtcNow));
        var client = platform.Client(platform.Triage);
        var opened = await Eventually.HoldsAsync(async () =>
        {
            var request = Requests.Bearer(HttpMethod.Get, $"/api/triage/cases/{trackingNumber}", platform.Tokens.Person(Guid.NewGuid(), "analyst"));
            return (await client.SendAsync(request)).StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30));
        Assert.True(opened, "Triage did not open the matrix's case");
        return trackingNumber;
    }

    private async Task<Guid> CreateAccountAsync(string role)
    {
        // A vendor account is bound to an organisation Vendor Coordination registered; Identity hears of it on the bus.
        Guid? organisation = null;
        if (role == "vendor")
        {
            organisation = Guid.NewGuid();
            await RawPublisher.PublishAsync(await TestServers.GetAsync(),
                new VulnPlatform.Contracts.VendorCoordination.VendorOrganisationRegistered(organisation.Value, "Matrix Vendor", DateTimeOffset.UtcNow));
        }
        HttpResponseMessage? response = null;
        var created = await Eventually.HoldsAsync(async () =>
        {
            var request = Requests.Bearer(HttpMethod.Post, "/api/identity/accounts/", platform.Tokens.Person(Guid.NewGuid(), "admin"),
                JsonContent.Create(new { email = $"{role}{Guid.NewGuid():N}@example.org", roles = new[] { role }, vendorOrganisationId = organisation }));
            response = await platform.Client(platform.Identity).SendAsync(request);
            return response.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(30));
        Assert.True(created, await response!.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("account").GetProperty("id").GetGuid();
    }
}
