namespace K8sComm;

/// <summary>
/// A URI whose string form is the text it was made from. <see cref="Uri.ToString"/> drops a default port and
/// unescapes parts of the path, so Export-Csv, "$($_.Url)" or a table would show a different URL from the one
/// built (and from what kubectl prints); this keeps every place that turns the Url property into text exact.
/// </summary>
internal sealed class VerbatimUri(string text) : Uri(text, UriKind.RelativeOrAbsolute)
{
    public override string ToString() => OriginalString;
}
