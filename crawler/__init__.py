"""The Scrapy side of portal-archive: settings, the generic portal spider, portal declarations."""
