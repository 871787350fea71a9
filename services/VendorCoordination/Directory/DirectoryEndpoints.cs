using System.Security.Claims;
using FluentValidation;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.VendorCoordination.Directory;

public sealed record ProductRequest(string? Name, string? Cpe, string? Purl);

public sealed record OrganisationRequest(string? Name, IReadOnlyList<ProductRequest>? Products, IReadOnlyList<string>? SecurityContacts, string? Language, string? TimeZone);

public sealed class OrganisationValidator : AbstractValidator<OrganisationRequest>
{
    public OrganisationValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200).SingleLineText();
        RuleFor(r => r.Products).NotNull().Must(p => p is { Count: <= 200 }).WithMessage("At most 200 products.");
        RuleForEach(r => r.Products).ChildRules(product =>
        {
            product.RuleFor(p => p.Name).NotEmpty().MaximumLength(200).SingleLineText();
            product.RuleFor(p => p.Cpe).MaximumLength(400).Must(c => c is null || c.StartsWith("cpe:2.3:", StringComparison.Ordinal) && c.Split(':').Length >= 3)
                .WithMessage("A CPE is given in the CPE 2.3 formatted-string binding (cpe:2.3:part:vendor:product:…), a prefix of one is enough.")
                .Must(c => c is null || TextRules.IsClean(c, allowLineBreaks: false) && !c.Any(char.IsWhiteSpace)).WithMessage("A CPE has no spaces or control characters.");
            product.RuleFor(p => p.Purl).MaximumLength(400).Must(p => p is null || p.StartsWith("pkg:", StringComparison.Ordinal) && p.Length > 4 && !p.Any(char.IsWhiteSpace))
                .WithMessage("A package URL starts with pkg: (pkg:type/namespace/name), a prefix of one is enough.");
        });
        RuleFor(r => r.SecurityContacts).NotEmpty().WithMessage("At least one security contact address.")
            .Must(c => c is null || c.Count <= 20).WithMessage("At most 20 security contacts.");
        RuleForEach(r => r.SecurityContacts).Must(EmailAddresses.IsValid).WithMessage("'{PropertyValue}' is not one plain e-mail address.");
        RuleFor(r => r.Language).Must(l => l is null or "en" or "zh-CN").WithMessage("The language is en or zh-CN.");
        RuleFor(r => r.TimeZone).Must(z => z is null || z.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(z, out _))
            .WithMessage("The time zone is an IANA name such as Europe/Berlin or Asia/Shanghai.");
    }
}

public sealed record Suggestion(Guid OrganisationId, string Name, string MatchedOn);

/// <summary>
/// <c>/api/coordination/vendors</c>: coordinators keep the vendor directory — organisations, their
/// products (name, CPE 2.3 or purl prefix), security contacts, language and time zone — and ask it
/// which organisation makes a product a report names.
/// </summary>
public static class DirectoryEndpoints
{
    private const int MaxPageSize = 200;

    public static void MapDirectory(this IEndpointRouteBuilder app)
    {
        var vendors = app.MapGroup("/api/coordination/vendors").WithTags("Vendor directory").RequireAuthorization(PlatformAccess.Coordinators);
        vendors.MapGet("/", ListAsync).WithName("ListVendors");
        vendors.MapPost("/", RegisterAsync).WithValidation<OrganisationRequest>().WithName("RegisterVendor");
        vendors.MapGet("/suggestions", SuggestAsync).WithName("SuggestVendors");
        vendors.MapMembers();
        vendors.MapGet("/{id:guid}", async (Guid id, HttpContext http, IQuerySession session, CancellationToken ct) =>
        {
            if (await session.LoadAsync<Organisation>(id, ct) is not { } organisation) return NoSuchVendor();
            http.Response.Headers.ETag = $"\"{organisation.Version}\"";
            return Results.Ok(organisation);
        }).WithName("GetVendor");
        vendors.MapPut("/{id:guid}", UpdateAsync).WithValidation<OrganisationRequest>().WithName("UpdateVendor");
    }

    private static async Task<IResult> ListAsync(IQuerySession session, string? name, int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, MaxPageSize);
        if (invalid is not null) return invalid;
        IQueryable<Organisation> query = session.Query<Organisation>();
        if (!string.IsNullOrWhiteSpace(name) && name.Length <= 200) query = query.Where(o => o.Name.Contains(name, StringComparison.OrdinalIgnoreCase));
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(o => o.Name).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
        return Results.Ok(paging.Of(items, total));
    }

    private static async Task<IResult> RegisterAsync(OrganisationRequest request, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        session.Events.StartStream<Organisation>(id, new OrganisationRegistered(id, Details(request), Coordinator(user), time.GetUtcNow()));
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/coordination/vendors/{id}", await session.LoadAsync<Organisation>(id, ct));
    }

    private static async Task<IResult> UpdateAsync(
        Guid id, OrganisationRequest request, HttpContext http, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Organisation>(id, ct);
        if (stream.Aggregate is null) return NoSuchVendor();
        var expected = http.Request.Headers.IfMatch.ToString().Trim('"', ' ');
        if (expected.Length > 0 && expected != stream.CurrentVersion.ToString())
        {
            return Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, type: ProblemTypes.Conflict, title: "The vendor changed",
                detail: "The vendor's record changed since you read it; read it again.");
        }
        stream.AppendOne(new OrganisationUpdated(id, Details(request), Coordinator(user), time.GetUtcNow()));
        await session.SaveChangesAsync(ct);
        return Results.Ok(await session.LoadAsync<Organisation>(id, ct));
    }

    /// <summary>Organisations whose name matches the vendor a report names, or who make a product of that name; exact matches first.</summary>
    private static async Task<IResult> SuggestAsync(IQuerySession session, string? vendor, string? product, CancellationToken ct)
    {
        var names = new[] { vendor, product }.Where(n => !string.IsNullOrWhiteSpace(n) && n.Length <= 200).Select(n => n!.Trim().ToLowerInvariant()).ToArray();
        if (names.Length == 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["vendor"] = ["Name a vendor or a product (at most 200 characters)."] },
                type: ProblemTypes.Validation, title: "Nothing to match");
        }
        return Results.Ok(await Suggestions.ForAsync(session, vendor, product, ct));
    }

    private static OrganisationDetails Details(OrganisationRequest r) => new(
        r.Name!.Trim(), [.. r.Products!.Select(p => new VendorProduct(p.Name!.Trim(), p.Cpe, p.Purl))],
        [.. r.SecurityContacts!.Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)], r.Language ?? "en", r.TimeZone ?? "UTC");

    private static Actor Coordinator(ClaimsPrincipal user) => new(ActorKinds.Staff, user.AccountId());

    private static IResult NoSuchVendor() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such vendor", detail: "No vendor organisation has this id.");
}

public static class Suggestions
{
    /// <summary>Organisations named like <paramref name="vendor"/> or making a product named <paramref name="product"/>.</summary>
    public static async Task<IReadOnlyList<Suggestion>> ForAsync(IQuerySession session, string? vendor, string? product, CancellationToken ct)
    {
        var vendorName = vendor?.Trim().ToLowerInvariant();
        var productName = product?.Trim().ToLowerInvariant();
        var found = new List<Suggestion>();
        foreach (var (name, by) in new[] { (vendorName, "vendor"), (productName, "product") })
        {
            if (string.IsNullOrEmpty(name)) continue;
            var matches = await session.Query<Organisation>().Where(o => o.MatchNames.Contains(name)).Take(20).ToListAsync(ct);
            found.AddRange(matches.Where(m => found.All(f => f.OrganisationId != m.Id)).Select(m => new Suggestion(m.Id, m.Name, by)));
        }
        return found;
    }
}
