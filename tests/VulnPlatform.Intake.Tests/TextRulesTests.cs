using VulnPlatform.ServiceDefaults.Http;
namespace VulnPlatform.Intake.Tests;

[Trait("Servers", "none")]
public sealed class TextRulesTests
{
    [Theory]
    [InlineData("plain title", false, true)]
    [InlineData("中文标题 with emoji 🐛", false, true)]
    [InlineData("line\nbreak", false, false)]
    [InlineData("line\nbreak\ttab", true, true)]
    [InlineData("escape \u001b[31m", true, false)]
    [InlineData("rtl \u202E override", true, false)]
    [InlineData("isolate \u2066 x", true, false)]
    [InlineData("zero\u200Bwidth", false, false)]
    [InlineData("joiner\u200Dhere", false, false)]
    [InlineData("\uFEFFbom", false, false)]
    [InlineData("line\u2028separator", true, false)]
    [InlineData("para\u2029separator", true, false)]
    public void Text_is_clean_only_without_controls_overrides_and_lone_surrogates(string text, bool multiLine, bool clean) =>
        Assert.Equal(clean, TextRules.IsClean(text, multiLine));

    [Fact]
    public void Lone_or_reversed_surrogates_are_not_clean()
    {
        // Built here rather than in [InlineData]: the test runner's serialisation would repair them.
        Assert.False(TextRules.IsClean("lone " + (char)0xD800 + " surrogate", allowLineBreaks: true));
        Assert.False(TextRules.IsClean("trailing " + (char)0xD800, allowLineBreaks: true));
        Assert.False(TextRules.IsClean("reversed " + (char)0xDC00 + (char)0xD800 + " pair", allowLineBreaks: true));
        Assert.True(TextRules.IsClean("pair " + (char)0xD83D + (char)0xDC1B, allowLineBreaks: true));
        Assert.False(TextRules.IsClean("tag " + char.ConvertFromUtf32(0xE0041), allowLineBreaks: true)); // U+E0041 TAG LATIN CAPITAL A
    }

    [Theory]
    [InlineData("alice@example.org", true)]
    [InlineData("a.b+tag@sub.example.co.uk", true)]
    [InlineData("alice@localhost", false)]
    [InlineData("alice@@example.org", false)]
    [InlineData("alice@example..org", false)]
    [InlineData("Alice <alice@example.org>", false)]
    [InlineData("\"<script>alert(1)</script>\"@example.org", false)]
    [InlineData("alice@example.org,bob@example.org", false)]
    [InlineData("alice @example.org", false)]
    [InlineData("alice@exa_mple.org", false)]
    [InlineData("", false)]
    public void Only_one_plain_address_is_an_email(string email, bool valid) =>
        Assert.Equal(valid, EmailAddresses.IsValid(email));
}
