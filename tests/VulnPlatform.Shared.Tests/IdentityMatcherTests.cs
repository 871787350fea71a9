using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Shared.Tests;

/// <summary>The one identity matcher every guard uses: each way of dressing up a reporter's name or address is still found; ordinary text is not.</summary>
[Trait("Servers", "none")]
public sealed class IdentityMatcherTests
{
    private const string Email = "wang.fang@example.org";
    private const string Name = "Wang Fang";

    public static TheoryData<string> DisguisedAddresses =>
    [
        "Contact wang.fang@example.org for details.", "WANG.FANG@EXAMPLE.ORG", "wang.fang @ example.org", "wang.fang at example.org",
        "wang dot fang at example dot org", "wang.fang (at) example (dot) org", "wang.fang [at] example [dot] org", "wang.fang{at}example{dot}org",
        "wang.fang&#64;example.org", "wang.fang&amp;#64;example.org", "wang.fang＠example．org", "ｗａｎｇ．ｆａｎｇ＠ｅｘａｍｐｌｅ．ｏｒｇ",
        "wаng.fang@exаmple.org" /* Cyrillic а */, "wang.fang@\nexample.org", "w a n g . f a n g @ e x a m p l e . o r g", "<p>wang.fang<span>@</span>example.org</p>", "pkg:npm/wang.fang%40example.org", "https://example.com/?u=wang.fang%2540example.org",
    ];

    public static TheoryData<string> DisguisedNames =>
    [
        "Found by Wang Fang.", "found by wang fang", "Found by Wang  Fang.", "Found by Wang\nFang.", "Found by Wang\r\n  Fang.", "Found by Fang Wang.",
        "Found by Fang, Wang.", "Found by WangFang.", "Found by W a n g F a n g.", "Found by Wáng Fāng.", "Found by Wаng Fаng." /* Cyrillic а */,
        "Found by Ｗａｎｇ Ｆａｎｇ.", "Found by Wang&nbsp;Fang.", "Found by Wang&#32;Fang.", "Found by Wang-Fang.", "Found by Wang.Fang.", "Found by <b>Wang</b> <i>Fang</i>.",
    ];

    [Theory]
    [MemberData(nameof(DisguisedAddresses))]
    public void A_disguised_address_is_found(string text) => Assert.Equal(IdentityMatcher.EmailAddress, IdentityMatcher.Finds(text, Email, null));

    [Theory]
    [MemberData(nameof(DisguisedNames))]
    public void A_disguised_name_is_found(string text) => Assert.Equal(IdentityMatcher.Name, IdentityMatcher.Finds(text, null, Name));

    [Theory]
    [InlineData("由王芳发现。")]
    [InlineData("由 王 芳 发现。")]
    [InlineData("由王\n芳发现。")]
    [InlineData("由芳王发现。")]
    public void A_chinese_name_is_found_as_its_characters_in_a_row(string text) => Assert.Equal(IdentityMatcher.Name, IdentityMatcher.Finds(text, null, "王芳"));

    [Theory]
    [InlineData("The updater writes outside its directory; a symbolic link makes it worse.")]
    [InlineData("Wang Industries shipped the fang module.")] // both words, not together
    [InlineData("Contact psirt at example dot com.")]
    [InlineData("Found by an anonymous researcher.")]
    [InlineData("王先生的芳香剂")]
    public void Ordinary_text_is_not_taken_for_the_reporter(string text)
    {
        Assert.Null(IdentityMatcher.Finds(text, Email, Name));
        Assert.Null(IdentityMatcher.Finds(text, null, "王芳"));
    }

    [Fact]
    public void The_credit_name_is_found_like_a_name_and_names_too_short_to_tell_are_not_looked_for()
    {
        Assert.Equal(IdentityMatcher.CreditName, IdentityMatcher.Finds("Thanks to F4ng Cr3dit!", null, null, "F4ng Cr3dit"));
        Assert.Null(IdentityMatcher.Finds("Both sides agree.", null, "Bo"));
    }
}
