using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace VulnPlatform.Testing;

/// <summary>A page as the browser got it.</summary>
public sealed record Page(HttpResponseMessage Response, IHtmlDocument Document, Uri Address)
{
    public HttpStatusCode Status => Response.StatusCode;
    public string? Error => Document.QuerySelector(".error")?.TextContent.Trim();
}

/// <summary>
/// A browser without JavaScript: it keeps cookies, follows redirects within the site, and fills in
/// and submits the pages' forms (hidden fields such as the antiforgery token included), so tests
/// walk the sign-in exactly as a person does.
/// </summary>
public sealed class Browser(HttpClient client) : IDisposable
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Client => client;

    /// <summary>The last redirect that left the site (a client's redirect URI with the code).</summary>
    public Uri? LeftTo { get; private set; }

    /// <summary>Every <c>Location</c> header as the server wrote it, before any parsing could tidy it.</summary>
    public List<string> Redirects { get; } = [];

    public async Task<Page> OpenAsync(string url) => await FollowAsync(await client.GetAsync(url), new Uri(client.BaseAddress!, url));

    /// <summary>Submits the page's form (the first, or the one whose handler is <paramref name="handler"/>) with <paramref name="fields"/> filled in.</summary>
    public async Task<Page> SubmitAsync(Page page, IDictionary<string, string> fields, string? handler = null)
    {
        var form = page.Document.Forms.FirstOrDefault(f => handler is null || (f.GetAttribute("action") ?? "").Contains($"handler={handler}"))
            ?? throw new InvalidOperationException($"No form on {page.Address}");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.Elements.OfType<IHtmlInputElement>().Where(i => i.Name is { Length: > 0 }))
        {
            values.Add(new(input.Name!, fields.TryGetValue(input.Name!, out var value) ? value : input.Value));
        }
        // Fields with no input of their name (text areas, selects) are sent as given.
        values.AddRange(fields.Where(f => values.All(v => v.Key != f.Key)));
        var action = new Uri(page.Address, string.IsNullOrEmpty(form.GetAttribute("action")) ? page.Address.PathAndQuery : form.GetAttribute("action"));
        var response = await client.PostAsync(action, new FormUrlEncodedContent(values));
        return await FollowAsync(response, action);
    }

    private async Task<Page> FollowAsync(HttpResponseMessage response, Uri address)
    {
        for (var hops = 0; hops < 10 && (int)response.StatusCode is >= 300 and < 400; hops++)
        {
            Redirects.Add(response.Headers.TryGetValues("Location", out var raw) ? raw.Single() : "");
            var location = new Uri(address, response.Headers.Location!);
            if (location.Authority != client.BaseAddress!.Authority || location.Scheme != client.BaseAddress.Scheme)
            {
                LeftTo = location;
                break;
            }
            address = location;
            response = await client.GetAsync(location);
        }
        var html = await response.Content.ReadAsStringAsync();
        return new Page(response, Parser.ParseDocument(html), address);
    }

    public void Dispose() => client.Dispose();
}
