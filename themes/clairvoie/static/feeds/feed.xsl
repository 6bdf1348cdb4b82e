<?xml version="1.0" encoding="UTF-8"?>
<!--
  Clairvoie: what a browser shows when a resident opens a feed (RSS 2.0 or Atom).
  The feeds point here with <?xml-stylesheet type="text/xsl" href="…/feeds/feed.xsl"?>
  (plugins/clairvoie/outputs/feeds.py). XSLT 1.0 only, no script: it explains in French
  how to subscribe, then lists the entries. Feed readers ignore it.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <!-- This stylesheet's folder, read from the feed's own instruction: feed.css is beside it. -->
  <xsl:variable name="instruction" select="/processing-instruction('xml-stylesheet')"/>
  <xsl:variable name="folder"
      select="substring-before(substring-after($instruction, 'href=&quot;'), 'feed.xsl')"/>

  <xsl:variable name="is-atom" select="boolean(/atom:feed)"/>
  <xsl:variable name="title">
    <xsl:choose>
      <xsl:when test="$is-atom"><xsl:value-of select="/atom:feed/atom:title"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/title"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="description">
    <xsl:choose>
      <xsl:when test="$is-atom"><xsl:value-of select="/atom:feed/atom:subtitle"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/description"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="self">
    <xsl:choose>
      <xsl:when test="$is-atom"><xsl:value-of select="/atom:feed/atom:link[@rel='self']/@href"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/atom:link[@rel='self']/@href"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="home">
    <xsl:choose>
      <xsl:when test="$is-atom"><xsl:value-of select="/atom:feed/atom:link[@rel='alternate']/@href"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/link"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="format">
    <xsl:choose>
      <xsl:when test="$is-atom">Atom</xsl:when>
      <xsl:otherwise>RSS</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <html lang="fr">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title>Flux d'abonnement — <xsl:value-of select="$title"/></title>
        <link rel="stylesheet" href="{$folder}feed.css"/>
      </head>
      <body>
        <header class="feed-header">
          <div class="wrap">
            <p class="feed-kind">Flux d'abonnement (<xsl:value-of select="$format"/>)</p>
            <h1><xsl:value-of select="$title"/></h1>
            <p><xsl:value-of select="$description"/></p>
          </div>
        </header>
        <main id="contenu" class="wrap">
          <section class="subscribe" aria-labelledby="s-abonner">
            <h2 id="s-abonner">Comment s'abonner</h2>
            <p>Cette page est un <strong>flux d'abonnement</strong>. Elle est faite pour un
              <strong>lecteur de flux</strong> (on dit aussi agrégateur ou lecteur RSS) :
              une application ou un site qui vous prévient dès que la ville publie une
              nouvelle — un chantier qui avance ou prend du retard, une rue fermée, une
              actualité — sans que vous ayez à revenir sur le site.</p>
            <ol>
              <li>Copiez l'adresse de ce flux :
                <code class="address"><xsl:value-of select="$self"/></code>
                (c'est aussi l'adresse affichée en haut de votre navigateur).</li>
              <li>Dans votre lecteur de flux (par exemple Feedly, Inoreader, NetNewsWire,
                Thunderbird, Feeder sur Android…), choisissez « Ajouter un abonnement »
                ou « S'abonner » et collez l'adresse.</li>
              <li>C'est tout : les nouvelles arrivent d'elles-mêmes. Vous vous désabonnez
                quand vous voulez, depuis votre lecteur. La ville ne sait pas qui est abonné.</li>
            </ol>
            <p>Les mauvaises nouvelles y figurent aussi : retards, dépassements de budget,
              chantiers suspendus ou annulés, arrêtés retirés, avec leur raison.</p>
            <xsl:if test="string($home)">
              <p><a href="{$home}">Voir la page du site correspondante</a></p>
            </xsl:if>
          </section>

          <section aria-labelledby="dernieres-nouvelles">
            <h2 id="dernieres-nouvelles">Dernières nouvelles</h2>
            <xsl:choose>
              <xsl:when test="/rss/channel/item | /atom:feed/atom:entry">
                <ol class="entries">
                  <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
                </ol>
              </xsl:when>
              <xsl:otherwise>
                <p>Aucune nouvelle n'a encore été publiée dans ce flux.</p>
              </xsl:otherwise>
            </xsl:choose>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- One RSS item. -->
  <xsl:template match="item">
    <xsl:call-template name="entry">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="summary" select="description"/>
      <xsl:with-param name="categories" select="category"/>
      <xsl:with-param name="date">
        <xsl:call-template name="rfc822-date">
          <xsl:with-param name="value" select="pubDate"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- One Atom entry. -->
  <xsl:template match="atom:entry">
    <xsl:call-template name="entry">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link" select="atom:link[@rel='alternate']/@href"/>
      <xsl:with-param name="summary" select="atom:summary"/>
      <xsl:with-param name="categories" select="atom:category/@term"/>
      <xsl:with-param name="date">
        <xsl:call-template name="iso-date">
          <xsl:with-param name="value" select="atom:published | atom:updated[not(../atom:published)]"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="entry">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="summary"/>
    <xsl:param name="categories"/>
    <xsl:param name="date"/>
    <xsl:variable name="negative" select="boolean($categories[. = 'Mauvaise nouvelle'])"/>
    <li>
      <xsl:attribute name="class">
        <xsl:text>entry</xsl:text>
        <xsl:if test="$negative"> entry-negative</xsl:if>
      </xsl:attribute>
      <h3><a href="{$link}"><xsl:value-of select="$title"/></a></h3>
      <p class="meta">
        <span class="date"><xsl:value-of select="$date"/></span>
        <xsl:for-each select="$categories">
          <xsl:text> </xsl:text>
          <span>
            <xsl:attribute name="class">
              <xsl:text>category</xsl:text>
              <xsl:if test=". = 'Mauvaise nouvelle'"> category-negative</xsl:if>
            </xsl:attribute>
            <xsl:if test=". = 'Mauvaise nouvelle'"><span aria-hidden="true">▲ </span></xsl:if>
            <xsl:value-of select="."/>
          </span>
        </xsl:for-each>
      </p>
      <xsl:if test="string($summary)">
        <p class="summary"><xsl:value-of select="$summary"/></p>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- "Sat, 02 May 2026 00:00:00 +0200" → "2 mai 2026" -->
  <xsl:template name="rfc822-date">
    <xsl:param name="value"/>
    <xsl:variable name="rest" select="normalize-space(substring-after($value, ','))"/>
    <xsl:call-template name="french-date">
      <xsl:with-param name="day" select="number(substring-before($rest, ' '))"/>
      <xsl:with-param name="month"
          select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec',
                   substring(substring-after($rest, ' '), 1, 3))) div 3 + 1"/>
      <xsl:with-param name="year" select="substring(substring-after(substring-after($rest, ' '), ' '), 1, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "2026-05-02T00:00:00+02:00" → "2 mai 2026" -->
  <xsl:template name="iso-date">
    <xsl:param name="value"/>
    <xsl:call-template name="french-date">
      <xsl:with-param name="day" select="number(substring($value, 9, 2))"/>
      <xsl:with-param name="month" select="number(substring($value, 6, 2))"/>
      <xsl:with-param name="year" select="substring($value, 1, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="french-date">
    <xsl:param name="day"/>
    <xsl:param name="month"/>
    <xsl:param name="year"/>
    <xsl:choose>
      <xsl:when test="$day = 1">1er</xsl:when>
      <xsl:otherwise><xsl:value-of select="$day"/></xsl:otherwise>
    </xsl:choose>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="$month = 1">janvier</xsl:when>
      <xsl:when test="$month = 2">février</xsl:when>
      <xsl:when test="$month = 3">mars</xsl:when>
      <xsl:when test="$month = 4">avril</xsl:when>
      <xsl:when test="$month = 5">mai</xsl:when>
      <xsl:when test="$month = 6">juin</xsl:when>
      <xsl:when test="$month = 7">juillet</xsl:when>
      <xsl:when test="$month = 8">août</xsl:when>
      <xsl:when test="$month = 9">septembre</xsl:when>
      <xsl:when test="$month = 10">octobre</xsl:when>
      <xsl:when test="$month = 11">novembre</xsl:when>
      <xsl:when test="$month = 12">décembre</xsl:when>
    </xsl:choose>
    <xsl:text> </xsl:text>
    <xsl:value-of select="$year"/>
  </xsl:template>
</xsl:stylesheet>
