using Microsoft.AspNetCore.Http;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>One page of a list, as every list endpoint answers: the items, where they are, how many there are.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The <c>page</c> (from 1) and <c>pageSize</c> query parameters every list takes, checked the same way everywhere.</summary>
public readonly record struct Paging(int Number, int Size)
{
    /// <summary>How far into a list a page may start: far beyond any real list, and far from overflowing an offset.</summary>
    public const int MaxOffset = 10_000_000;

    public int Skip => (Number - 1) * Size;

    /// <summary>The paging asked for, or the 400 problem that says what is wrong with it.</summary>
    public static (Paging Paging, IResult? Problem) From(int? page, int? pageSize, int defaultSize, int maxSize)
    {
        var paging = new Paging(page ?? 1, pageSize ?? defaultSize);
        return paging.Number < 1 || paging.Size < 1 || paging.Size > maxSize || (long)(paging.Number - 1) * paging.Size > MaxOffset
            ? (paging, Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation, title: "Invalid paging",
                detail: $"'page' starts at 1 and a page starts at most {MaxOffset:N0} items in; 'pageSize' is between 1 and {maxSize}."))
            : (paging, null);
    }

    public Paged<T> Of<T>(IReadOnlyList<T> items, int total) => new(items, Number, Size, total);
}
