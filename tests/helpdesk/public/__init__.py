"""What customers use: the web form, the client API, mail intake, attachments."""
