using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace K8sComm.Shell;

/// <summary>
/// A PowerShell host that renders to a <see cref="TextWriter"/>: enough of a console for Out-Default
/// to show format views as a user at a terminal would see them. It never prompts.
/// </summary>
public sealed class TextHost : PSHost
{
    private readonly TextHostUserInterface _ui;
    private readonly CultureInfo _culture;

    public TextHost(TextWriter writer, CultureInfo? culture = null, int width = 120)
    {
        _ui = new TextHostUserInterface(writer, width);
        _culture = culture ?? CultureInfo.CurrentCulture;
    }

    public override CultureInfo CurrentCulture => _culture;
    public override CultureInfo CurrentUICulture => _culture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "K8sComm.Shell";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => typeof(TextHost).Assembly.GetName().Version ?? new Version(1, 0);

    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

/// <summary>Writes plain text: a TextWriter is no terminal, so the format engine's VT styling is dropped,
/// as pwsh drops it when output is redirected.</summary>
internal sealed partial class TextHostUserInterface(TextWriter writer, int width) : PSHostUserInterface
{
    public override PSHostRawUserInterface RawUI { get; } = new TextHostRawUserInterface(width);

    public override void Write(string value) => writer.Write(Plain(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => writer.Write(Plain(value));
    public override void WriteLine(string value) => writer.WriteLine(Plain(value));
    public override void WriteErrorLine(string value) => writer.WriteLine(value);
    public override void WriteDebugLine(string message) => writer.WriteLine("DEBUG: " + message);
    public override void WriteVerboseLine(string message) => writer.WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => writer.WriteLine("WARNING: " + message);
    public override void WriteProgress(long sourceId, ProgressRecord record) { }

    public override string ReadLine() => throw NoPrompts();
    public override SecureString ReadLineAsSecureString() => throw NoPrompts();
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw NoPrompts();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompts();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompts();
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompts();

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex VtStyle();

    private static string Plain(string value) => VtStyle().Replace(value, "");

    private static PSInvalidOperationException NoPrompts() => new("This host is non-interactive.");
}

internal sealed class TextHostRawUserInterface(int width) : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get; set; } = new(width, 9999);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(width, 9999);
    public override Size MaxWindowSize => new(width, 9999);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new(width, 50);
    public override string WindowTitle { get; set; } = "";

    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
