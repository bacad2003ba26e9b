"""Outgoing e-mail: SMTP settings, the mailer port and the messages eHOKS sends.

The login links and one-time codes of people without national-service accounts (workplace
instructors, working-life assessors, recipients of a share) are the mails sent here. Each message
is in Finnish, Swedish and English in one mail, Finnish first.
"""
